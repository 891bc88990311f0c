/**
 * One full small-scale run (two years, ~50k calls): sizes, every line valid against its zod
 * schema, consistent calls / flow events / transcripts, and one topic per text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { CallFlowEvent } from "../../pipelines/catalog/callflow.ts";
import { SCALES } from "../../pipelines/sources/demo/generate.ts";
import { topicsInText } from "../../pipelines/sources/demo/topics.ts";
import { Call, CallSummary, CallTranscript, Contact, Message, PhoneNumber, User } from "../../pipelines/catalog/openphone.ts";
import { SurveyResponse } from "../../pipelines/catalog/surveys.ts";
import { BASE_OPTIONS, cleanup, generateInto, isoWeekdayOf, listFiles, loadRun, localDater, localHour, readEntity, summaryText, transcriptText } from "./helpers.ts";

let dir = "";
let seconds = 0;
let R: ReturnType<typeof loadRun>;
const toDate = localDater(BASE_OPTIONS.timezone);

beforeAll(async () => {
  const t0 = performance.now();
  const r = await generateInto("small", { scale: "small", seed: 42, years: 2 });
  seconds = (performance.now() - t0) / 1000;
  dir = r.outDir;
  R = loadRun(dir);
});
afterAll(cleanup);

describe("small scale sizes", () => {
  it("has ~50k calls, ~0.6 texts per call, 3 lines, 36 agents, 20k contacts, and is fast", () => {
    expect(SCALES.small.calls).toBe(50_000);
    expect(R.calls.length).toBeGreaterThanOrEqual(45_000);
    expect(R.calls.length).toBeLessThanOrEqual(55_000);
    expect(R.messages.length / R.calls.length).toBeGreaterThan(0.45);
    expect(R.messages.length / R.calls.length).toBeLessThan(0.75);
    expect(R.phoneNumbers.map((p) => p.name)).toEqual(["Sales", "Support", "Billing"]);
    expect(readEntity(dir, "users")).toHaveLength(36);
    expect(R.contacts.length).toBeGreaterThan(18_000);
    expect(R.manifest.counts).toMatchObject({ calls: R.calls.length, messages: R.messages.length, "call-flow-events": R.events.length, "survey-responses": R.surveys.length });
    const answered = R.calls.filter((c) => c.answeredAt !== null).length;
    expect(R.summaries.length).toBe(answered);
    expect(R.transcripts.length).toBe(answered);
    const surveyShare = R.surveys.length / (answered + R.messages.filter((m) => m.direction === "incoming").length * 0.5);
    expect(surveyShare).toBeGreaterThan(0.12);
    expect(surveyShare).toBeLessThan(0.3);
    expect(seconds).toBeLessThan(30);
  });
});

describe("schemas", () => {
  const schemas: Record<string, z.ZodType> = {
    "phone-numbers": PhoneNumber, users: User, contacts: Contact, calls: Call, "call-flow-events": CallFlowEvent,
    "call-summaries": CallSummary, "call-transcripts": CallTranscript, messages: Message, "survey-responses": SurveyResponse,
  };
  it("every line of every file validates against its zod schema", () => {
    const files = listFiles(dir).filter((f) => f.endsWith(".ndjson"));
    expect(files.length).toBeGreaterThan(100);
    let lines = 0;
    for (const f of files) {
      const entity = f.includes("/") ? f.split("/")[0]! : f.replace(".ndjson", "");
      const schema = schemas[entity];
      expect(schema, f).toBeDefined();
      const text = readFileSync(join(dir, f), "utf8");
      expect(text.endsWith("\n")).toBe(true);
      for (const line of text.slice(0, -1).split("\n")) {
        const r = schema!.safeParse(JSON.parse(line));
        if (!r.success) throw new Error(`${f}: ${r.error.message}\n${line}`);
        lines++;
      }
      if (f.includes("/") && entity !== "survey-responses" && entity !== "messages") {
        // Monthly files hold their month's records (by the call's createdAt).
        const month = f.split("/")[1]!.slice(0, 7);
        expect(month).toMatch(/^\d{4}-\d{2}$/);
      }
    }
    expect(lines).toBe(Object.values(R.manifest.counts as Record<string, number>).reduce((a, b) => a + b, 0));
  });

  it("contacts carry the five custom fields; call participants and message numbers are contacts", () => {
    const numbers = new Set(R.contacts.map((c) => c.defaultFields.phoneNumbers[0].value));
    for (const c of R.contacts.slice(0, 2000)) {
      expect(c.customFields.map((f: any) => f.key)).toEqual(["segment", "customer-since", "churned", "churned-at", "opted-out", "last-order"]);
      expect(["Consumer", "Small business", "Enterprise"]).toContain(c.customFields[0].value);
    }
    for (const c of R.calls) expect(numbers.has(c.participants[0])).toBe(true);
    for (const m of R.messages) expect(numbers.has(m.direction === "incoming" ? m.from : m.to[0])).toBe(true);
  });
});

describe("consistency", () => {
  it("call status, times and flow events agree", () => {
    const byCall = new Map<string, any[]>();
    for (const e of R.events) (byCall.get(e.callId) ?? byCall.set(e.callId, []).get(e.callId)!).push(e);
    let incoming = 0;
    for (const c of R.calls) {
      expect(c.duration).toBe((Date.parse(c.completedAt) - Date.parse(c.createdAt)) / 1000);
      const evs = byCall.get(c.id);
      if (c.direction === "outgoing") {
        expect(evs).toBeUndefined();
        continue;
      }
      incoming++;
      expect(evs!.map((e) => e.seq)).toEqual(evs!.map((_, i) => i));
      expect(evs![0].type).toBe("ivr_entered");
      expect(evs![0].occurredAt).toBe(c.createdAt);
      expect(evs![evs!.length - 1].type).toBe("hangup");
      expect(evs![evs!.length - 1].occurredAt).toBe(c.completedAt);
      const answered = evs!.find((e) => e.type === "queue_left" && e.reason === "answered");
      const voicemail = evs!.some((e) => e.type === "voicemail");
      const queued = evs!.some((e) => e.type === "queue_entered");
      if (answered) {
        expect(c.status).toBe("completed");
        expect(c.answeredAt).toBe(answered.occurredAt);
        expect(c.answeredBy).toBe(answered.agentId);
      } else if (voicemail) {
        expect(c.status).toBe("completed");
        expect(c.answeredAt).toBeNull();
      } else if (!queued || evs!.some((e) => e.reason === "abandoned")) {
        expect(["abandoned", "missed"]).toContain(c.status);
      } else {
        expect(c.status).toBe("missed");
      }
    }
    expect(byCall.size).toBe(incoming);
  });

  it("transcripts alternate agent and customer within the call's duration", () => {
    const lineNumbers = new Set(R.phoneNumbers.map((p) => p.number));
    for (const t of R.transcripts.slice(0, 5000)) {
      const d = t.dialogue;
      expect(d.length).toBeGreaterThanOrEqual(5);
      d.forEach((seg: any, i: number) => {
        expect(seg.start).toBeGreaterThanOrEqual(0);
        expect(seg.end).toBeGreaterThan(seg.start);
        expect(seg.end).toBeLessThanOrEqual(t.duration);
        if (i > 0) expect(seg.start).toBeGreaterThanOrEqual(d[i - 1].end);
        expect(lineNumbers.has(seg.identifier)).toBe(seg.userId !== null);
        if (i > 0) expect(seg.userId === null).not.toBe(d[i - 1].userId === null);
      });
    }
  });

  it("calls mostly fall within opening hours, with weekday morning and afternoon peaks and quiet weekends", () => {
    const hourOf = localHour(BASE_OPTIONS.timezone);
    const weekday = R.calls.filter((c) => c.direction === "incoming" && isoWeekdayOf(toDate(c.createdAt)) <= 5);
    const hours = new Array(24).fill(0);
    for (const c of weekday) hours[hourOf(c.createdAt)]++;
    const inside = hours.slice(8, 20).reduce((a, b) => a + b, 0);
    expect(inside / weekday.length).toBeGreaterThan(0.9);
    expect(hours[10]).toBeGreaterThan(hours[8] * 1.3);
    expect(hours[14]).toBeGreaterThan(hours[12]);
    expect(hours[10]).toBeGreaterThan(hours[18] * 2);
    const sundays = R.calls.filter((c) => isoWeekdayOf(toDate(c.createdAt)) === 7).length;
    const wednesdays = R.calls.filter((c) => isoWeekdayOf(toDate(c.createdAt)) === 3).length;
    expect(sundays).toBeLessThan(wednesdays * 0.25);
  });
});

describe("topics in texts", () => {
  it("every summary, transcript, message and comment names exactly one topic", () => {
    const texts = [
      ...R.summaries.map(summaryText), ...R.transcripts.map(transcriptText), ...R.messages.map((m) => m.text),
      ...R.surveys.filter((s) => s.comment).map((s) => s.comment),
    ];
    expect(texts.length).toBeGreaterThan(100_000);
    const bad = texts.filter((t) => topicsInText(t).length !== 1);
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

