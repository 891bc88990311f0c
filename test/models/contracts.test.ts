/**
 * Prediction marts and their contracts (models/<model>/<mart>.yml): every mart a real (small)
 * training run writes satisfies its contract, and a prediction that breaks one — a missing column,
 * a probability of 1.5, a lower bound above the point forecast, a wrong type or order — is refused
 * before anything is written, with an error naming the mart and the column.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { Contract } from "../../pipelines/catalog/contract.ts";
import { exec, openDb, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { lakePaths, projectRoot } from "../../pipelines/core/paths.ts";
import { trainChurn } from "../../models/churn/index.ts";
import { CHURN_MART } from "../../models/churn/predict.ts";
import { trainForecast } from "../../models/forecast/index.ts";
import { DAILY_MART, INTERVAL_MART, writeDailyMart } from "../../models/forecast/marts.ts";
import { checkPrediction, predictionContract, predictionContracts, PredictionContractError, stagedTable } from "../../models/shared/contracts.ts";
import { calendarGrid } from "../../models/shared/grid.ts";
import { writeMart } from "../../models/shared/mart.ts";
import type { Path, SeriesBundle } from "../../models/shared/series.ts";
import { isoToDays } from "../../models/shared/dates.ts";
import { SHIFT_MART, STAFFING_MART } from "../../models/staffing/index.ts";
import { ACCURACY_MART, SNAPSHOT_MART } from "../../models/forecast/snapshots.ts";
import { makeChurnMarts, makeVolumeMarts, tempConfig } from "./synthetic.ts";

const MARTS = [CHURN_MART, DAILY_MART, INTERVAL_MART, SNAPSHOT_MART, ACCURACY_MART, STAFFING_MART, SHIFT_MART];

describe("the prediction contracts", () => {
  it("list every prediction mart, each with its YAML beside the model that writes it", () => {
    const list = predictionContracts();
    // The other models' prediction marts (opportunity, outreach) are checked where those models are tested.
    const OTHERS = ["opportunity_score", "outreach", "outreach_outcomes"];
    expect(list.map((m) => m.name).filter((n) => !OTHERS.includes(n)).sort()).toEqual([...MARTS].sort());
    expect(list.map((m) => [m.name, m.file, m.producer])).toEqual([
      ["churn_risk", "models/churn/churn_risk.yml", "train-churn"],
      ["forecast_accuracy", "models/forecast/forecast_accuracy.yml", "train-forecast"],
      ["forecast_snapshots", "models/forecast/forecast_snapshots.yml", "train-forecast"],
      ["volume_forecast", "models/forecast/volume_forecast.yml", "train-forecast"],
      ["volume_forecast_interval", "models/forecast/volume_forecast_interval.yml", "train-forecast"],
      ["opportunity_score", "models/opportunity/opportunity_score.yml", "train-opportunity"],
      ["outreach", "models/opportunity/outreach.yml", "outreach"],
      ["outreach_outcomes", "models/opportunity/outreach_outcomes.yml", "outreach"],
      ["shift_plan", "models/staffing/shift_plan.yml", "train-forecast"],
      ["staffing", "models/staffing/staffing.yml", "train-forecast"],
    ]);
    // …and every models/*/*.yml is one of them (the catalog reads them all as prediction marts).
    const models = join(projectRoot, "models");
    const ymls = readdirSync(models).flatMap((d) => (statSync(join(models, d)).isDirectory() ? readdirSync(join(models, d)).filter((f) => f.endsWith(".yml")).map((f) => `models/${d}/${f}`) : []));
    expect(ymls.sort()).toEqual(list.map((m) => m.file).sort());
  });

  it("are valid contracts with a key, a described column each and the catalog's keys", () => {
    for (const m of predictionContracts()) {
      const raw = parseYaml(readFileSync(m.path, "utf8")) as Record<string, unknown>;
      expect(Contract.safeParse(raw).success, m.file).toBe(true);
      expect(raw.name).toBe(m.name);
      expect(raw.produced_by).toBe(m.producer);
      expect(raw).toHaveProperty("partition_by", null);
      expect(m.key.length).toBeGreaterThan(0);
      expect(m.contract.grain).toBeTruthy();
      for (const c of m.contract.columns) expect(c.description.length, `${m.name}.${c.name}`).toBeGreaterThan(10);
      for (const r of (raw.reads as string[] | undefined) ?? []) expect(typeof r).toBe("string");
    }
    expect(predictionContract("daily_volume")).toBeNull(); // a SQL mart: its contract lives in transforms/
  });
});

describe("prediction marts written by real training runs", () => {
  const config = tempConfig({ staffing: { method: "erlang_a", staffTo: "upper80" } });
  const paths = lakePaths(config);

  beforeAll(async () => {
    await makeChurnMarts(config, { contacts: 600, snapshots: 24 });
    await makeVolumeMarts(config, { calendar: true, intraday: true, days: 400 });
    await trainChurn(config);
    await trainForecast(config);
  });

  it.each(MARTS)("%s satisfies its contract (columns, order, types and every data test)", async (name) => {
    const mart = predictionContract(name)!;
    const db = await openDb();
    try {
      const file = join(paths.marts, name, "data.parquet");
      expect(existsSync(file)).toBe(true);
      await exec(db, `CREATE TEMP TABLE "${name}" AS SELECT * FROM read_parquet('${file}')`);
      const described = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE ${stagedTable(name)}`);
      expect(described.map((d) => [d.column_name, d.column_type])).toEqual(mart.contract.columns.map((c) => [c.name, c.type]));
      const results = await checkPrediction(db, mart);
      expect(results.length).toBeGreaterThan(mart.contract.columns.length);
      expect(results.filter((r) => r.failures > 0)).toEqual([]);
      expect((await rows<{ n: number }>(db, `SELECT count(*)::INTEGER AS n FROM ${stagedTable(name)}`))[0]!.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it("staffing with Erlang A has its abandonment figures (patience is known on the synthetic lines)", async () => {
    const db = await openDb();
    try {
      const [r] = await rows<{ a: number; n: number }>(db, `SELECT count(agents_erlang_a)::INTEGER AS a, count(*)::INTEGER AS n FROM read_parquet('${join(paths.marts, "staffing", "data.parquet")}') WHERE channel = 'call'`);
      expect(r!.a).toBe(r!.n);
    } finally {
      db.close();
    }
  });
});

describe("a prediction that breaks its contract", () => {
  const config = tempConfig();
  const paths = lakePaths(config);
  const martFile = (name: string) => join(paths.marts, name, "data.parquet");
  let db: Db;

  const churnRow = (over: Partial<Record<string, string>> = {}) => {
    const cols: Record<string, string> = {
      contact_id: "'c1'", segment: "'Residential'", as_of: "DATE '2026-11-15'", churn_probability: "0.2::DOUBLE",
      risk_band: "'high'", top_factor: "'2 missed or abandoned calls in the last 14 days'", model_version: "'v1'",
      horizon_days: "14::INTEGER", risk_band_min_probability: "0.1::DOUBLE", ...over,
    };
    return `SELECT ${Object.entries(cols).filter(([, v]) => v !== "").map(([k, v]) => `${v} AS ${k}`).join(", ")}`;
  };

  beforeAll(async () => {
    db = await openDb();
    return () => db.close();
  });

  it("is written when it keeps the contract", async () => {
    const out = await writeMart(db, paths, CHURN_MART, churnRow());
    expect(out.rows).toBe(1);
    expect((await rows(db, `SELECT * FROM duckdb_tables() WHERE temporary AND table_name = '${CHURN_MART}'`)).length).toBe(0);
  });

  it("is refused for a missing column, naming the mart and the column, and nothing is written", async () => {
    const before = readFileSync(martFile(CHURN_MART));
    const err = await writeMart(db, paths, CHURN_MART, churnRow({ top_factor: "" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PredictionContractError);
    expect((err as Error).message).toMatch(/churn_risk: contract column top_factor is missing/);
    expect((err as Error).message).toMatch(/models\/churn\/churn_risk\.yml/);
    expect(readFileSync(martFile(CHURN_MART)).equals(before)).toBe(true);
    expect(readdirSync(join(paths.marts, CHURN_MART))).toEqual(["data.parquet"]); // no temporary file left
  });

  it("is refused for a probability of 1.5", async () => {
    const before = readFileSync(martFile(CHURN_MART));
    await expect(writeMart(db, paths, CHURN_MART, churnRow({ churn_probability: "1.5::DOUBLE" })))
      .rejects.toThrow(/churn_risk\.churn_probability: range\(0\.\.1\) failed for 1 row \(values range from 1\.5 to 1\.5\)/);
    await expect(writeMart(db, paths, CHURN_MART, churnRow({ risk_band: "'severe'" })))
      .rejects.toThrow(/churn_risk\.risk_band: accepted_values\(high, medium, low\) failed for 1 row \(unexpected: severe\)/);
    expect(readFileSync(martFile(CHURN_MART)).equals(before)).toBe(true);
    // The staged table is gone: the next write starts clean.
    expect((await rows(db, `SELECT * FROM duckdb_tables() WHERE temporary`)).length).toBe(0);
  });

  it("is refused for a wrong type or column order", async () => {
    await expect(writeMart(db, paths, CHURN_MART, churnRow({ as_of: "'2026-11-15'" })))
      .rejects.toThrow(/churn_risk\.as_of: contract says DATE, model gives VARCHAR/);
    const swapped = `SELECT segment, contact_id, as_of, churn_probability, risk_band, top_factor, model_version, horizon_days, risk_band_min_probability FROM (${churnRow()})`;
    await expect(writeMart(db, paths, CHURN_MART, swapped)).rejects.toThrow(/churn_risk\.contact_id: expected as column 1, found segment there/);
  });

  it("is refused from the forecast writer when a lower bound is above the point forecast, before any file exists", async () => {
    const days = Array.from({ length: 14 }, (_, i) => isoToDays("2026-11-02") + i);
    const grid = calendarGrid(days, 1, 10);
    const b: SeriesBundle = {
      grid, keys: [{ line: "All", channel: "call" }, { line: "Sales", channel: "call" }], names: ["All/call", "Sales/call"],
      y: [new Float64Array(14), new Float64Array(14)], firstDay: days[0]!, holidaySource: "us-federal",
    };
    const path = (lower80: number): Path => ({
      forecast: Float64Array.from([10, 11, 12]), lower80: Float64Array.from([8, lower80, 9]), upper80: Float64Array.from([12, 13, 14]),
      lower95: Float64Array.from([6, 7, 7]), upper95: Float64Array.from([15, 16, 17]),
    });
    const ok = path(9);
    const bad = path(11.5); // lower80 > forecast on the second day of the Sales series
    const err = await writeDailyMart(db, paths, b, grid.n - 1, [ok, bad], "v1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PredictionContractError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/prediction mart volume_forecast breaks its contract \(models\/forecast\/volume_forecast\.yml\)/);
    expect(msg).toMatch(/volume_forecast\.forecast\/lower80\/upper80: expression: the point forecast lies inside its 80% interval .* failed for 1 row/);
    expect(msg).toMatch(/e\.g\. date=2026-11-17, line=Sales, channel=call, forecast=11\.0, lower80=11\.5, upper80=13\.0/);
    expect(existsSync(join(paths.marts, DAILY_MART))).toBe(false);
    // The same rows with consistent bounds are written.
    await writeDailyMart(db, paths, b, grid.n - 1, [ok, ok], "v1");
    expect(existsSync(martFile(DAILY_MART))).toBe(true);
  });

  it("is refused for staffing rows with a duplicated key or an upper80 below the forecast", async () => {
    const row = (line: string, upper80: number) => `SELECT TIMESTAMP '2026-11-16 08:00:00' AS interval_start, 30 AS interval_minutes, '${line}' AS line,
      'call' AS channel, '${line === "All" ? "pooled" : "dedicated"}' AS pooling,
      2.0::DOUBLE AS forecast, 1.0::DOUBLE AS lower80, ${upper80}::DOUBLE AS upper80, 2.0::DOUBLE AS offered, 300.0::DOUBLE AS aht_seconds, NULL::DOUBLE AS patience_seconds,
      0.33::DOUBLE AS workload_erlangs, 1 AS agents_needed, 2 AS agents_needed_upper80, NULL::INTEGER AS agents_erlang_a, 2 AS scheduled, 2 AS rostered,
      0.85::DOUBLE AS service_level, 12.0::DOUBLE AS asa_seconds, 0.4::DOUBLE AS occupancy, NULL::DOUBLE AS abandon_rate, 'erlang_c' AS method, 'v1' AS model_version`;
    await expect(writeMart(db, paths, STAFFING_MART, `${row("Sales", 3)} UNION ALL ${row("Sales", 3)}`)).rejects.toThrow(/staffing\.interval_start, line, channel: unique_combination failed for 2 rows/);
    await expect(writeMart(db, paths, STAFFING_MART, row("Sales", 1.5))).rejects.toThrow(/staffing\.forecast\/lower80\/upper80: expression: the point forecast lies inside its 80% interval/);
    expect(existsSync(join(paths.marts, STAFFING_MART))).toBe(false);
    await writeMart(db, paths, STAFFING_MART, `${row("Sales", 3)} UNION ALL ${row("All", 3)}`);
    expect(existsSync(martFile(STAFFING_MART))).toBe(true);
  });
});
