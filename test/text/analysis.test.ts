/** Topics from the taxonomy, conversation metrics, extractive summaries and terms. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { conversationMetrics, type Segment } from "../../models/text/conversation.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { extractiveSummary } from "../../models/text/summarize.ts";
import { textTerms } from "../../models/text/terms.ts";
import { terms } from "../../models/text/tokenize.ts";
import { keywordTopic, loadTaxonomy } from "../../models/text/topics.ts";
import { DEMO_TOPICS } from "../../pipelines/sources/demo/topics.ts";
import { tmpDir } from "../helpers/records.ts";

describe("topics", () => {
  const taxonomy = loadTaxonomy();
  it("the default taxonomy keeps the demo's topic ids and finds each topic from its keywords", () => {
    for (const t of DEMO_TOPICS) for (const k of t.keywords) expect(keywordTopic(`Hello, about the ${k} please`, taxonomy), k).toBe(t.id);
    expect(keywordTopic("Nothing to see here", taxonomy)).toBeNull();
  });
  it("most keyword hits win, ties go to the lower priority number", () => {
    expect(keywordTopic("I need a refund for the invoice payment", taxonomy)).toBe("payment"); // 2 payment hits vs 1 dispute
    expect(keywordTopic("refund the payment", taxonomy)).toBe("billing_dispute"); // 1 each: priority 2 beats 3
  });
  it("a broken taxonomy file fails naming the line", () => {
    const f = join(tmpDir("tax-"), "t.csv");
    writeFileSync(f, "topic,label,keyword,priority\nBad Topic,x,y,1\n");
    expect(() => loadTaxonomy(f)).toThrow(/t\.csv:2: topic/);
  });
});

describe("conversation metrics", () => {
  const segs: Segment[] = [
    { speaker: "agent", start: 0, end: 5, text: "Hello, how can I help?" },
    { speaker: "customer", start: 6, end: 16, text: "My internet is down." },
    { speaker: "agent", start: 15, end: 20, text: "Sorry. Since when?" },
    { speaker: "agent", start: 20, end: 30, text: "Let me check." },
    { speaker: "customer", start: 40, end: 42, text: "Okay?" },
    { speaker: "agent", start: 45, end: 50, text: "Fixed." },
  ];
  const m = conversationMetrics(segs);
  it("talk, ratio, monologue, silence, overtalk, questions and latency", () => {
    expect(m.agent_talk_seconds).toBe(25);
    expect(m.customer_talk_seconds).toBe(12);
    expect(m.talk_listen_ratio).toBeCloseTo(25 / 12, 2);
    expect(m.longest_agent_monologue_seconds).toBe(15); // 15 → 30 with no customer turn between
    expect(m.longest_customer_monologue_seconds).toBe(10);
    expect(m.overtalk_seconds).toBe(1); // 15-16
    expect(m.silence_seconds).toBe(1 + 10 + 3); // 5-6, 30-40, 42-45
    expect(m.longest_silence_seconds).toBe(10);
    expect(m.agent_questions).toBe(2);
    expect(m.customer_questions).toBe(1);
    expect(m.response_latency_seconds).toBe(1.5); // 0 (overtalk) and 3
    expect(m.max_response_latency_seconds).toBe(3);
  });
  it("no segments: zeros and nulls, not NaN", () => {
    const e = conversationMetrics([]);
    expect(e.talk_listen_ratio).toBeNull();
    expect(e.silence_seconds).toBe(0);
  });
});

describe("summaries and terms", () => {
  it("an extractive summary keeps the customer's stated problem and central sentences, in order", () => {
    const s = extractiveSummary([
      { speaker: "agent", text: "Thanks for calling, this is Ann. How can I help you today?" },
      { speaker: "customer", text: "My internet outage started this morning. The internet keeps dropping." },
      { speaker: "agent", text: "Let me check the internet outage in your area. Yes, there is a known internet outage." },
      { speaker: "customer", text: "Okay." },
    ], 2);
    expect(s).toContain("Customer: My internet outage started this morning.");
    expect(s.indexOf("Customer:")).toBeLessThan(s.indexOf("Agent:"));
    expect(s).not.toContain("Okay.");
  });
  it("terms are words and phrases without stopwords at their edges, once per text, themed by sentence", () => {
    const t = terms("The outage is still not fixed. The outage!");
    expect(t.has("outage")).toBe(true);
    expect(t.has("still not fixed")).toBe(true);
    expect(t.has("the outage")).toBe(false);
    const themes = parseConfig({}).text.themes;
    const rows = textTerms("Your price is too expensive. The app keeps crashing and I am furious.", themes, { negativeBelow: 0, positiveAbove: 0.4 });
    const of = (theme: string) => rows.filter((r) => r.theme === theme).map((r) => r.term);
    expect(of("objection")).toContain("too expensive");
    expect(of("feedback")).toContain("keeps crashing");
    expect(of("irritant")).toContain("furious");
    expect(of("all").length).toBe(new Set(of("all")).size);
  });
});
