/**
 * One full small-scale run: the planted truths listed in manifest.json are visible in the raw
 * NDJSON files (computed here from the records, not from the generator's internals).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLuhnValid } from "../../pipelines/sources/demo/pii.ts";
import { SENTIMENT_WORDS, topicsInText, type TopicId } from "../../pipelines/sources/demo/topics.ts";
import { BASE_OPTIONS, cleanup, generateInto, isoWeekdayOf, loadRun, localDater, median, mondayOfDate, summaryText, transcriptText } from "./helpers.ts";

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

describe("planted truths", () => {
  const topicOfCall = () => {
    const m = new Map<string, TopicId>();
    for (const s of R.summaries) m.set(s.callId, topicsInText(summaryText(s))[0]!);
    return m;
  };
  const holidays = () => new Set<string>(R.manifest.seasonality.holidays.map((h: any) => h.date));

  it("mondaySpike: login calls on Mondays are ~3× other weekdays", () => {
    const t = R.manifest.truths.mondaySpike;
    expect(t).toMatchObject({ topic: "login", weekday: 1, factor: 3 });
    const topics = topicOfCall();
    const hol = holidays();
    const perDay = new Map<string, number>();
    for (const c of R.calls) {
      if (c.direction !== "incoming" || topics.get(c.id) !== "login") continue;
      const d = toDate(c.createdAt);
      perDay.set(d, (perDay.get(d) ?? 0) + 1);
    }
    const sums = new Array(8).fill(0);
    const days = new Array(8).fill(0);
    for (let ms = Date.parse(`${R.manifest.dateRange.start}T00:00:00Z`); ms <= Date.parse(`${R.manifest.dateRange.end}T00:00:00Z`); ms += 86_400_000) {
      const d = new Date(ms).toISOString().slice(0, 10);
      if (hol.has(d)) continue;
      const wd = isoWeekdayOf(d);
      sums[wd] += perDay.get(d) ?? 0;
      days[wd]++;
    }
    const mean = (wd: number) => sums[wd] / days[wd];
    const ratio = mean(1) / ((mean(2) + mean(3) + mean(4) + mean(5)) / 4);
    expect(Math.abs(ratio - t.factor)).toBeLessThan(0.4);
  });

  it("outageWeek: outage texts burst in the planted week and Support volume rises", () => {
    const t = R.manifest.truths.outageWeek;
    expect(isoWeekdayOf(t.weekStart)).toBe(1);
    const end = Date.parse(`${R.manifest.dateRange.end}T00:00:00Z`);
    const weeksBack = (end - Date.parse(`${t.weekStart}T00:00:00Z`)) / (7 * 86_400_000);
    expect(weeksBack).toBeGreaterThanOrEqual(9);
    expect(weeksBack).toBeLessThanOrEqual(21);
    const weekly = new Map<string, number>();
    const bump = (ts: string) => {
      const w = mondayOfDate(toDate(ts));
      weekly.set(w, (weekly.get(w) ?? 0) + 1);
    };
    const created = new Map(R.calls.map((c) => [c.id, c.createdAt]));
    for (const s of R.summaries) if (topicsInText(summaryText(s))[0] === "outage") bump(created.get(s.callId)!);
    for (const m of R.messages) if (topicsInText(m.text)[0] === "outage") bump(m.createdAt);
    const inWeek = weekly.get(t.weekStart) ?? 0;
    const med = median([...weekly.values()]);
    expect(inWeek).toBeGreaterThan(5 * med);
    const support = R.manifest.lines.find((l: any) => l.name === "Support").phoneNumberId;
    const supportWeekly = new Map<string, number>();
    for (const c of R.calls) {
      if (c.phoneNumberId !== support || c.direction !== "incoming") continue;
      const w = mondayOfDate(toDate(c.createdAt));
      supportWeekly.set(w, (supportWeekly.get(w) ?? 0) + 1);
    }
    const prior = [1, 2, 3, 4].map((k) => supportWeekly.get(new Date(Date.parse(`${t.weekStart}T00:00:00Z`) - k * 7 * 86_400_000).toISOString().slice(0, 10)) ?? 0);
    expect(supportWeekly.get(t.weekStart)!).toBeGreaterThan(1.15 * (prior.reduce((a, b) => a + b, 0) / 4));
  });

  it("transferLoop: Support → Billing → Support transfers exist on billing_dispute calls", () => {
    const t = R.manifest.truths.transferLoop;
    expect(t.teams).toEqual(["Support", "Billing", "Support"]);
    const transfers = new Map<string, string[]>();
    for (const e of R.events) if (e.type === "transfer") (transfers.get(e.callId) ?? transfers.set(e.callId, []).get(e.callId)!).push(e.team);
    const loops = [...transfers].filter(([, teams]) => teams.join(">") === "Billing>Support").map(([id]) => id);
    expect(loops.length).toBe(t.calls);
    expect(new Set(loops)).toEqual(new Set(t.callIds));
    expect(loops.length).toBeGreaterThan(100);
    const topics = topicOfCall();
    const support = R.manifest.lines.find((l: any) => l.name === "Support").phoneNumberId;
    const byId = new Map(R.calls.map((c) => [c.id, c]));
    for (const id of loops) {
      expect(topics.get(id)).toBe("billing_dispute");
      expect(byId.get(id).phoneNumberId).toBe(support);
    }
    // Looped R.calls are a sizeable share of answered Support billing-dispute R.calls.
    const answeredDisputes = R.summaries.filter((s) => topics.get(s.callId) === "billing_dispute" && byId.get(s.callId).phoneNumberId === support).length;
    expect(loops.length / answeredDisputes).toBeGreaterThan(0.1);
    expect(loops.length / answeredDisputes).toBeLessThan(0.35);
  });

  it("ivrDropOff: ~30% hang up in the billing menu versus a few percent elsewhere", () => {
    const t = R.manifest.truths.ivrDropOff;
    const entered = new Map<string, number>();
    const dropped = new Map<string, number>();
    let prevCall = "";
    let menu: string | null = null;
    for (const e of R.events) {
      if (e.callId !== prevCall) {
        prevCall = e.callId;
        menu = null;
      }
      if (e.type === "ivr_entered") {
        menu = e.menu;
        entered.set(menu!, (entered.get(menu!) ?? 0) + 1);
      } else if (e.type === "option_chosen") menu = null;
      else if (e.type === "hangup" && menu !== null) dropped.set(menu, (dropped.get(menu) ?? 0) + 1);
    }
    const rate = (m: string) => (dropped.get(m) ?? 0) / entered.get(m)!;
    expect(Math.abs(rate(t.menu) - t.rate)).toBeLessThan(0.03);
    expect(rate("main")).toBeLessThan(0.06);
    expect(rate("support")).toBeLessThan(0.06);
  });

  it("churnGroup: churners stop contacting after churned-at and had unresolved repeat contacts first", () => {
    const t = R.manifest.truths.churnGroup;
    const byId = new Map(R.contacts.map((c) => [c.id, c]));
    const field = (c: any, key: string) => c.customFields.find((f: any) => f.key === key).value;
    expect(t.count / t.activeContacts).toBeGreaterThan(0.04);
    expect(t.count / t.activeContacts).toBeLessThan(0.06);
    expect(t.contactIds).toHaveLength(t.count);
    const churned = R.contacts.filter((c) => field(c, "churned") === true);
    expect(churned.length).toBe(t.count + t.baselineChurners);
    expect(t.baselineChurners / t.activeContacts).toBeGreaterThan(0.01);
    const last = new Map<string, number>();
    const callTimes = new Map<string, number[]>();
    const touch = (num: string, ts: string) => last.set(num, Math.max(last.get(num) ?? 0, Date.parse(ts)));
    for (const c of R.calls) {
      touch(c.participants[0], c.createdAt);
      (callTimes.get(c.participants[0]) ?? callTimes.set(c.participants[0], []).get(c.participants[0])!).push(Date.parse(c.createdAt));
    }
    for (const m of R.messages) touch(m.direction === "incoming" ? m.from : m.to[0], m.createdAt);
    let withBurst = 0;
    for (const id of t.contactIds) {
      const c = byId.get(id);
      expect(field(c, "churned")).toBe(true);
      const at = Date.parse(field(c, "churned-at"));
      const num = c.defaultFields.phoneNumbers[0].value;
      expect(last.get(num) ?? 0).toBeLessThan(at);
      const recent = (callTimes.get(num) ?? []).filter((ms) => ms < at && ms > at - 30 * 86_400_000);
      if (recent.length >= 3) withBurst++;
    }
    expect(withBurst).toBe(t.count);
    for (const c of churned) {
      const num = c.defaultFields.phoneNumbers[0].value;
      expect(last.get(num) ?? 0).toBeLessThan(Date.parse(field(c, "churned-at")));
    }
    // Churn-group survey scores are low.
    const group = new Set(t.contactIds);
    const groupNps = R.surveys.filter((s) => group.has(s.contactId) && s.nps !== null).map((s) => s.nps);
    expect(groupNps.length).toBeGreaterThan(200);
    expect(groupNps.filter((n) => n <= 4).length / groupNps.length).toBeGreaterThan(0.7);
  });

  it("pii: every planted value appears in the text of the record the manifest names", () => {
    const t = R.manifest.truths.pii;
    expect(t.values.length).toBe(t.count);
    expect(t.count).toBeGreaterThan(500);
    const msgText = new Map(R.messages.map((m) => [m.id, m.text]));
    const msgFile = new Map(R.messages.map((m) => [m.id, `messages/${m.createdAt.slice(0, 7)}.ndjson`]));
    const trText = new Map(R.transcripts.map((tr) => [tr.callId, transcriptText(tr)]));
    const callFile = new Map(R.calls.map((c) => [c.id, `call-transcripts/${c.createdAt.slice(0, 7)}.ndjson`]));
    const kinds = new Set<string>();
    for (const p of t.values) {
      const text = p.entity === "messages" ? msgText.get(p.recordId) : trText.get(p.recordId);
      expect(text, p.recordId).toContain(p.value);
      expect(p.file).toBe(p.entity === "messages" ? msgFile.get(p.recordId) : callFile.get(p.recordId));
      if (p.kind === "card") expect(isLuhnValid(p.value)).toBe(true);
      kinds.add(`${p.kind}:${p.entity}`);
    }
    expect(kinds.size).toBe(6);
  });

  it("sentiment: negative wording goes with low scores, positive wording with high", () => {
    const textOf = new Map<string, string>();
    for (const s of R.summaries) textOf.set(s.callId, summaryText(s).toLowerCase());
    for (const m of R.messages) textOf.set(m.id, m.text.toLowerCase());
    const neg: number[] = [];
    const pos: number[] = [];
    for (const s of R.surveys) {
      const text = [textOf.get(s.interactionId) ?? "", (s.comment ?? "").toLowerCase()].join(" ");
      const score = s.nps ?? (s.csat - 1) * 2.5;
      if (SENTIMENT_WORDS.negative.some((w) => text.includes(w))) neg.push(score);
      else if (SENTIMENT_WORDS.positive.some((w) => text.includes(w))) pos.push(score);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(neg.length).toBeGreaterThan(300);
    expect(pos.length).toBeGreaterThan(300);
    expect(mean(neg)).toBeLessThan(4);
    expect(mean(pos)).toBeGreaterThan(8);
  });
});
