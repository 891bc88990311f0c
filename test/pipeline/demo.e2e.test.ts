/**
 * The walking skeleton end to end: `commsight demo` on a small generated business (the run's shared
 * demo, test/setup/sharedDemo.ts: the real CLI, read here only), then checks that what the pipeline
 * wrote is right against independent computations over the source files.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { openWarehouse } from "../../pipelines/lake/warehouse.ts";
import { readLedger, summariseRuns } from "../../pipelines/core/ledger.ts";
import { fmtCount, fmtNps, fmtRatio } from "../../reports/shared/format.ts";
import { localDate, readEntity, weekStart } from "../helpers/sources.ts";
import { sharedDemo } from "../setup/sharedDemo.ts";

const TZ = "America/New_York";
let data = "";
let source = "";
let manifest: any;
let exitCode = -1;

async function q<T = Record<string, any>>(sql: string): Promise<T[]> {
  const db = await openWarehouse(join(data, "warehouse.duckdb"));
  try { return await rows<T>(db, sql); } finally { db.close(); }
}

beforeAll(async () => {
  const demo = await sharedDemo();
  data = demo.data;
  source = join(data, "sources", "demo");
  exitCode = demo.exitCode;
  manifest = JSON.parse(readFileSync(join(source, "manifest.json"), "utf8"));
}, 1_800_000);

describe("commsight demo (small)", () => {
  it("ends with a PDF, Parquet marts, the DuckDB catalog and model metrics on disk", () => {
    expect(exitCode).toBe(0);
    const pdfs = readdirSync(join(data, "reports")).filter((f) => f.endsWith(".pdf"));
    expect(pdfs.length).toBe(1);
    expect(readFileSync(join(data, "reports", pdfs[0]!)).subarray(0, 5).toString()).toBe("%PDF-");
    for (const mart of ["daily_volume", "call_outcomes_daily", "nps_weekly", "csat_weekly", "kpi_weekly", "topic_daily", "churn_risk", "volume_forecast"]) {
      expect(existsSync(join(data, "lake", "marts", mart)), mart).toBe(true);
    }
    expect(existsSync(join(data, "warehouse.duckdb"))).toBe(true);
    for (const model of ["churn", "forecast"]) {
      const latest = JSON.parse(readFileSync(join(data, "models", model, "latest.json"), "utf8"));
      const dir = join(data, "models", model, latest.version ?? latest);
      expect(existsSync(join(dir, "metrics.json")), `${model} metrics`).toBe(true);
    }
  });

  it("records every stage in the run ledger", () => {
    const [run] = summariseRuns(readLedger(join(data, "runs", "ledger.jsonl")));
    expect(run!.status).toBe("ok");
    expect(run!.stages.map((s) => s.stage)).toEqual(["generate", "extract", "enrich", "transform", "train-churn", "train-forecast", "train-opportunity", "outreach", "report"]);
    expect(run!.stages.every((s) => s.status === "ok")).toBe(true);
    expect(run!.stages.find((s) => s.stage === "extract")!.rowsOut).toBeGreaterThan(45_000);
  });

  it("NPS and CSAT in the marts equal an independent computation from the raw survey rows", async () => {
    type Survey = { interactionId: string; respondedAt: string; nps: number | null; csat: number | null };
    const surveys = readEntity<Survey>(source, "survey-responses");
    const lineOf = new Map<string, string>();
    const lineName = new Map(readEntity<{ id: string; name: string }>(source, "phone-numbers.ndjson").map((p) => [p.id, p.name]));
    for (const c of readEntity<{ id: string; phoneNumberId: string }>(source, "calls")) lineOf.set(c.id, lineName.get(c.phoneNumberId)!);
    for (const m of readEntity<{ id: string; phoneNumberId: string }>(source, "messages")) lineOf.set(m.id, lineName.get(m.phoneNumberId)!);
    const acc = new Map<string, { n: number; p: number; d: number; cn: number; sat: number }>();
    for (const s of surveys) {
      const week = weekStart(localDate(s.respondedAt, TZ));
      for (const line of ["All", lineOf.get(s.interactionId) ?? "Unknown"]) {
        const key = `${week}|${line}`;
        const a = acc.get(key) ?? { n: 0, p: 0, d: 0, cn: 0, sat: 0 };
        if (s.nps !== null) { a.n++; if (s.nps >= 9) a.p++; if (s.nps <= 6) a.d++; }
        if (s.csat !== null) { a.cn++; if (s.csat >= 4) a.sat++; }
        acc.set(key, a);
      }
    }
    const nps = await q<{ week: string; line: string; responses: number; nps: number }>("SELECT week_start::VARCHAR AS week, line, responses, nps FROM nps_weekly");
    const csat = await q<{ week: string; line: string; responses: number; csat: number }>("SELECT week_start::VARCHAR AS week, line, responses, csat FROM csat_weekly");
    const expectedNps = [...acc].filter(([, a]) => a.n > 0);
    const expectedCsat = [...acc].filter(([, a]) => a.cn > 0);
    expect(nps.length).toBe(expectedNps.length);
    expect(csat.length).toBe(expectedCsat.length);
    expect(nps.length).toBeGreaterThan(300);
    const byKey = new Map(nps.map((r) => [`${r.week}|${r.line}`, r]));
    for (const [key, a] of expectedNps) {
      const r = byKey.get(key)!;
      expect(r, key).toBeDefined();
      expect(r.responses).toBe(a.n);
      expect(r.nps).toBeCloseTo((100 * (a.p - a.d)) / a.n, 9);
    }
    const csatByKey = new Map(csat.map((r) => [`${r.week}|${r.line}`, r]));
    for (const [key, a] of expectedCsat) {
      expect(csatByKey.get(key)!.csat).toBeCloseTo(a.sat / a.cn, 9);
    }
  });

  it("shows the planted Monday spike of login problems", async () => {
    const r = await q<{ dow: number; per_day: number }>(`
      SELECT isodow(date) AS dow, sum(interactions) / count(DISTINCT date) AS per_day
      FROM topic_daily WHERE topic = 'login' AND isodow(date) <= 5 GROUP BY 1 ORDER BY 1`);
    const monday = r.find((x) => x.dow === 1)!.per_day;
    const others = r.filter((x) => x.dow !== 1).map((x) => x.per_day);
    const othersMean = others.reduce((a, b) => a + b, 0) / others.length;
    expect(monday / othersMean).toBeGreaterThan(2);
    // and only login spikes on Mondays: another topic does not
    const tech = await q<{ ratio: number }>(`
      SELECT avg(n) FILTER (WHERE dow = 1) / avg(n) FILTER (WHERE dow BETWEEN 2 AND 5) AS ratio
      FROM (SELECT date, isodow(date) AS dow, sum(interactions) AS n FROM topic_daily WHERE topic = 'pricing' GROUP BY 1, 2)`);
    expect(tech[0]!.ratio).toBeLessThan(1.6);
  });

  it("shows the planted outage week in the topic data", async () => {
    const week = manifest.truths.outageWeek.weekStart ?? manifest.truths.outageWeek.monday;
    const r = await q<{ week: string; n: number }>(`
      SELECT date_trunc('week', date)::DATE::VARCHAR AS week, sum(interactions) AS n
      FROM topic_daily WHERE topic = 'outage' GROUP BY 1 ORDER BY n DESC`);
    expect(r[0]!.week).toBe(week);
    const median = r.map((x) => x.n).sort((a, b) => a - b)[Math.floor(r.length / 2)]!;
    expect(r[0]!.n).toBeGreaterThan(5 * Math.max(median, 1));
  });

  it("finds the planted transfer loop in the transfer marts", async () => {
    const loop = manifest.truths.transferLoop;
    const [r] = await q<{ n: number }>(`SELECT sum(calls) AS n FROM transfer_paths WHERE team_path = '${loop.teams.join(" → ")}' AND is_loop`);
    expect(r!.n).toBe(loop.calls);
    const [w] = await q<{ looped: number }>("SELECT sum(looped_calls) AS looped FROM transfers_weekly WHERE line = 'All'");
    expect(w!.looped).toBeGreaterThanOrEqual(loop.calls);
  });

  it("finds the IVR step with the planted drop-off in the funnel", async () => {
    const planted = manifest.truths.ivrDropOff;
    const steps = await q<{ menu: string; rate: number }>("SELECT menu, sum(dropped) / sum(visits) AS rate FROM ivr_funnel GROUP BY menu ORDER BY rate DESC");
    expect(steps[0]!.menu).toBe(planted.menu);
    expect(steps[0]!.rate).toBeCloseTo(planted.rate, 1);
    expect(steps[1]!.rate).toBeLessThan(planted.rate / 3);
  });

  it("flags the outage week as a topic anomaly, and outage nowhere in the month before", async () => {
    const start = manifest.truths.outageWeek.weekStart;
    const flagged = await q<{ date: string }>(`SELECT date::VARCHAR AS date FROM topic_anomalies WHERE topic = 'outage' AND is_anomaly AND date BETWEEN DATE '${start}' - 28 AND DATE '${start}' + 6 ORDER BY date`);
    expect(flagged.length).toBeGreaterThanOrEqual(4);
    expect(flagged.every((f) => f.date >= start)).toBe(true);
  });

  it("keeps days without interactions in the dense daily marts", async () => {
    const [r] = await q<{ days: number; zero: number }>(`
      SELECT count(DISTINCT date) AS days, count(*) FILTER (WHERE interactions = 0) AS zero FROM daily_volume`);
    const [c] = await q<{ n: number }>("SELECT count(*) AS n FROM calendar");
    expect(r!.days).toBe(c!.n);
    expect(r!.zero).toBeGreaterThan(0);
  });

  it("prints the marts' KPI values into the PDF", async () => {
    const pdf = readdirSync(join(data, "reports")).find((f) => f.endsWith(".pdf"))!;
    const weekEnd = /weekly-(\d{4}-\d{2}-\d{2})\.pdf/.exec(pdf)![1]!;
    const text = execFileSync("pdftotext", ["-layout", join(data, "reports", pdf), "-"], { encoding: "utf8" });
    const [k] = await q<Record<string, number>>(`
      SELECT * FROM kpi_weekly WHERE line = 'All' AND week_start = DATE '${weekEnd}' - 6`);
    expect(k).toBeDefined();
    for (const value of [fmtCount(k!.calls), fmtCount(k!.messages), fmtRatio(k!.answer_rate), fmtNps(k!.nps), fmtRatio(k!.csat), fmtCount(k!.abandoned)]) {
      expect(text).toContain(value);
    }
  });
});

/** Issue 16 (insight to action): the planted playbook phrase and opportunity group, outreach and coaching, on the same run. */
describe("commsight demo (small): playbooks, opportunities, outreach, coaching", () => {
  it("ranks the planted playbook behaviour first for its topic and line, with no phrase from fewer than k agents", async () => {
    const t = manifest.truths.playbook;
    const top = await q<{ item: string; verdict: string; fcr_with: number; fcr_without: number }>(`
      SELECT item, verdict, fcr_rate_with AS fcr_with, fcr_rate_without AS fcr_without FROM playbook
      WHERE topic = '${t.topic}' AND line = '${t.line}' AND rank = 1`);
    expect(top[0]!.item).toBe(t.phrase);
    expect(top[0]!.verdict).toBe("helps");
    expect(top[0]!.fcr_with - top[0]!.fcr_without).toBeGreaterThan(0.2);
    const [small] = await q<{ n: number }>("SELECT count(*) AS n FROM playbook WHERE agents_with < 5");
    expect(Number(small!.n)).toBe(0);
  });

  it("the opportunity model finds the planted group on a time-based split (ROC AUC ≥ 0.85)", async () => {
    const latest = JSON.parse(readFileSync(join(data, "models", "opportunity", "latest.json"), "utf8"));
    const metrics = JSON.parse(readFileSync(join(data, "models", "opportunity", latest.version ?? latest, "metrics.json"), "utf8")).metrics;
    expect(metrics.rocAuc).toBeGreaterThanOrEqual(0.85);
    expect(metrics.liftTopDecile).toBeGreaterThan(3);
    expect(metrics.testSnapshots[0] > metrics.trainSnapshots[1]).toBe(true);
    // The positives the model is tested on are the planted buyers, not baseline ones.
    const { pseudonymOf, DEMO_PSEUDONYM_KEY } = await import("../../pipelines/privacy/pseudonym.ts");
    const planted = new Set<string>(manifest.truths.opportunityGroup.contactIds.map((id: string) => pseudonymOf(DEMO_PSEUDONYM_KEY, "contact", id)));
    const pos = await q<{ contact_id: string }>(`SELECT DISTINCT contact_id FROM opportunity_features WHERE label AND as_of BETWEEN DATE '${metrics.testSnapshots[0]}' AND DATE '${metrics.testSnapshots[1]}'`);
    expect(pos.length).toBeGreaterThan(20);
    expect(pos.filter((p) => planted.has(p.contact_id)).length / pos.length).toBeGreaterThan(0.8);
  });

  it("outreach lists respect the capacity, give every row a reason, and outreach_outcomes counts reached contacts", async () => {
    const weeks = await q<{ week_start: string; listed: number; capacity: number; reasons: number; blank: number }>(`
      SELECT week_start::VARCHAR AS week_start, count(*) FILTER (WHERE "group" = 'call') AS listed, max(capacity) AS capacity,
             count(DISTINCT reason) AS reasons, count(*) FILTER (WHERE coalesce(trim(reason_text), '') = '') AS blank
      FROM outreach GROUP BY ALL ORDER BY week_start`);
    expect(weeks.length).toBeGreaterThan(1);
    for (const w of weeks) {
      expect(Number(w.listed)).toBeLessThanOrEqual(Number(w.capacity));
      expect(Number(w.blank)).toBe(0);
    }
    expect(Number(weeks[weeks.length - 1]!.reasons)).toBeGreaterThanOrEqual(2);
    const [o] = await q<{ reached: number; holdout: number }>(`SELECT count(*) FILTER (WHERE reached) AS reached, count(*) FILTER (WHERE "group" = 'holdout') AS holdout FROM outreach_outcomes`);
    expect(Number(o!.reached)).toBeGreaterThan(0);
    expect(Number(o!.holdout)).toBeGreaterThan(0);
    const csv = readdirSync(join(data, "exports")).find((f) => f.startsWith("outreach-"))!;
    const header = readFileSync(join(data, "exports", csv), "utf8").split("\n")[0]!;
    expect(header).toBe("priority,contact_id,reason,reason_text,score");
  });

  it("renders the coaching report with calls to review, agents only above the threshold", async () => {
    const dir = readdirSync(join(data, "reports")).filter((f) => /^\d{4}-\d{2}-\d{2}$/.test(f)).flatMap((d) => readdirSync(join(data, "reports", d)).map((f) => join(data, "reports", d, f)));
    const pdf = dir.find((f) => /coaching-week-.*\.pdf$/.test(f))!;
    expect(pdf).toBeDefined();
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    expect(text).toContain("Calls to review");
    expect(text).toMatch(/rated CSAT|asked for a manager|contacted us again|silence of|monologue of/);
    const [u] = await q<{ n: number }>("SELECT count(*) AS n FROM agent_playbook_usage WHERE calls < 5");
    expect(Number(u!.n)).toBe(0);
  });
});
