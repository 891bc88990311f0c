/**
 * The reports on real pipeline output: the run's shared small demo (test/setup/sharedDemo.ts) as it
 * stood after generate → extract → enrich → transform — a copy of its lake and warehouse without what
 * the stages after transform wrote (models, prediction marts, outreach, reports: no models, so their
 * sections say "not available"); this file writes reports into its copy — then the monthly leadership report
 * against independent queries of the marts, the month KPI definitions against kpi_weekly, the
 * --week-ending alias, backfill and a dry run of the default rules.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { catalog } from "../../pipelines/catalog/datasets.ts";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { openWarehouse } from "../../pipelines/lake/warehouse.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { fmtCount, fmtNps, fmtRatio } from "../../reports/shared/format.ts";
import { renderLeadershipReport } from "../../reports/leadership/render.ts";
import { runAlerts } from "../../reports/rules/run.ts";
import { readRange } from "../../reports/shared/metrics.ts";
import { copyOfSharedDemo } from "../setup/sharedDemo.ts";
import { pdfText, squash } from "./pdf.ts";

let data = "";
let config: Config;
const q = async <T>(sql: string): Promise<T[]> => {
  const db = await openWarehouse(join(data, "warehouse.duckdb"));
  try { return await rows<T>(db, sql); } finally { db.close(); }
};

/** What the stages after transform wrote: the models, their marts, outreach, reports and exports (and the source files, unused here). */
const afterTransform = new Set(catalog().datasets.filter((d) => d.zone === "marts" && !["extract", "enrich", "transform"].includes(d.producer)).map((d) => `lake/marts/${d.name}`));
const leftOut = (rel: string) => ["models", "reports", "exports", "sources", ...afterTransform].some((p) => rel === p || rel.startsWith(`${p}/`));

beforeAll(async () => {
  expect(afterTransform).toContain("lake/marts/churn_risk");
  expect(afterTransform).toContain("lake/marts/volume_forecast");
  data = await copyOfSharedDemo("reports-demo-", (rel) => !leftOut(rel));
  config = parseConfig({ paths: { data } });
}, 1_800_000);
afterAll(() => rmSync(dirname(data), { recursive: true, force: true }));

describe("reports on a generated business", () => {
  it("prints the month's KPIs as the marts give them, against the month before", async () => {
    const r = await renderLeadershipReport(config, { period: "month" });
    expect(r.period).toMatchObject({ kind: "month", start: "2026-10-01", end: "2026-10-31", prevStart: "2026-09-01" });
    const text = squash(pdfText(r.pdf));
    const [calls] = await q<{ calls: number; inbound: number; answered: number; abandoned: number }>(`
      SELECT count(*) AS calls, count(*) FILTER (WHERE direction = 'incoming') AS inbound,
             count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'answered') AS answered,
             count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'abandoned') AS abandoned
      FROM calls WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'`);
    const [sat] = await q<{ nps: number; csat: number }>(
      "SELECT nps, csat FROM satisfaction WHERE period = 'month' AND dimension = 'all' AND period_start = DATE '2026-10-01'");
    const [fcr] = await q<{ fcr_rate: number }>("SELECT fcr_rate FROM fcr WHERE month = '2026-10' AND dimension = 'all'");
    for (const v of [fmtCount(calls!.calls), fmtRatio(calls!.answered / calls!.inbound), fmtCount(calls!.abandoned), fmtNps(sat!.nps), fmtRatio(sat!.csat), fmtRatio(fcr!.fcr_rate)]) {
      expect(text).toContain(v);
    }
    expect(text).toContain("Monthly leadership report");
    expect(text).toContain("Changes are against September 2026");
    expect(text).toMatch(/Call forecast not available/);
  });

  it("the metrics layer and kpi_weekly give the same week (the formulas are written once)", async () => {
    const db = await openDb();
    try {
      const paths = lakePaths(config);
      const m = (await readRange(db, paths, { start: "2026-11-09", end: "2026-11-15" })).get("All")!;
      const [w] = await q<Record<string, number>>("SELECT * FROM kpi_weekly WHERE line = 'All' AND week_start = DATE '2026-11-09'");
      expect(m.get("calls")!.value).toBe(w!.calls);
      expect(m.get("inbound_calls")!.value).toBe(w!.inbound_calls);
      expect(m.get("messages")!.value).toBe(w!.messages);
      expect(m.get("abandoned_calls")!.value).toBe(w!.abandoned);
      expect(m.get("answer_rate")!.value).toBeCloseTo(w!.answer_rate!, 9);
      expect(m.get("aht_seconds")!.value).toBeCloseTo(w!.avg_handle_seconds!, 6);
      expect(m.get("transfer_rate")!.value).toBeCloseTo(w!.transfer_rate!, 9);
      expect(m.get("nps")!.value).toBeCloseTo(w!.nps!, 9);
      expect(m.get("csat")!.value!).toBeCloseTo(w!.csat!, 9);
    } finally {
      db.close();
    }
  });

  it("keeps --week-ending as an alias of --period week --date, refusing a day that is not a Sunday", async () => {
    expect(await main(["node", "commsight", "--data", data, "report", "--week-ending", "2026-11-08"])).toBe(0);
    const pdf = join(data, "reports", "2026-11-08", "leadership-week-2026-11-08.pdf");
    expect(existsSync(pdf)).toBe(true);
    const [k] = await q<{ calls: number }>("SELECT count(*) AS calls FROM calls WHERE date BETWEEN DATE '2026-11-02' AND DATE '2026-11-08'");
    expect(squash(pdfText(pdf))).toContain(fmtCount(k!.calls));
    expect(await main(["node", "commsight", "--data", data, "report", "--week-ending", "2026-11-07"])).toBe(2);
  });

  it("backfills the reports of the periods in a range", async () => {
    expect(await main(["node", "commsight", "--data", data, "backfill", "--from", "2026-09-01", "--to", "2026-09-30", "--period", "month"])).toBe(0);
    expect(existsSync(join(data, "reports", "2026-09-30", "leadership-month-2026-09.pdf"))).toBe(true);
    const ledger = readFileSync(join(data, "runs", "ledger.jsonl"), "utf8");
    expect(ledger).toContain('"stage":"report-leadership-month-2026-09","status":"ok"');
  });

  it("evaluates the default rules on the marts", async () => {
    const r = await runAlerts(config, { dryRun: true });
    expect(r.asOf).toBe("2026-11-15");
    expect(r.evaluated.map((e) => e.ruleId)).toEqual(["nps-low", "csat-drop", "abandonment-high", "service-level-low", "emerging-topic", "complaint-tagged", "churn-risk-high"]);
    expect(r.evaluated.find((e) => e.ruleId === "churn-risk-high")!.skipped).toMatch(/churn_risk mart has not been built/);
    expect(r.evaluated.find((e) => e.ruleId === "abandonment-high")!.skipped).toBeUndefined();
  });
});
