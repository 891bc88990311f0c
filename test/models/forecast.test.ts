import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { loadForecastModel, trainForecast, type ForecastResult } from "../../models/forecast/index.ts";
import { withLogs } from "../../models/forecast/features.ts";
import { loadSeries } from "../../models/forecast/series.ts";
import { isoToDays } from "../../models/shared/dates.ts";
import { tfBackend } from "../../models/shared/tf.ts";
import { VOLUME_END, makeVolumeMarts, tempConfig } from "./synthetic.ts";

type FcRow = { date: string; line: string; channel: string; forecast: number; lower80: number; upper80: number; lower95: number; upper95: number; model_version: string };

describe("volume forecast on a synthetic weekly-seasonal series with trend, holidays and noise", () => {
  const config = tempConfig({ forecast: { epochs: 60 } });
  const paths = lakePaths(config);
  const { horizonDays, holdoutDays } = config.models.forecast;
  let result: ForecastResult;
  let mart: FcRow[];
  let schema: Record<string, string>;

  beforeAll(async () => {
    await makeVolumeMarts(config, { calendar: true });
    result = await trainForecast(config);
    const db = await openDb();
    try {
      mart = await rows<FcRow>(db, `SELECT * FROM ${martScan(paths, "volume_forecast")} ORDER BY line, date`);
      const cols = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE SELECT * FROM ${martScan(paths, "volume_forecast")}`);
      schema = Object.fromEntries(cols.map((c) => [c.column_name, c.column_type]));
    } finally {
      db.close();
    }
  });

  it("trains on the wasm backend", () => {
    expect(["wasm", "tensorflow"]).toContain(tfBackend());
  });

  it("beats seasonal naive on the holdout, with honest 80%/95% intervals", () => {
    const m = result.metrics;
    expect(m.holdoutDays).toBe(holdoutDays);
    expect(m.holdoutEnd).toBe(VOLUME_END);
    expect(m.mase).toBeLessThan(m.naiveMase);
    expect(m.beatsNaive).toBe(true);
    expect(Object.keys(m.series)).toEqual(["All", "Billing", "Sales", "Support"]);
    for (const s of Object.values(m.series)) {
      expect(s.mase).toBeLessThan(s.naiveMase);
      expect(s.smape).toBeLessThanOrEqual(s.naiveSmape);
    }
    expect(m.coverage80).toBeGreaterThanOrEqual(0.6);
    expect(m.coverage80).toBeLessThanOrEqual(0.95);
    expect(m.coverage95).toBeGreaterThanOrEqual(m.coverage80);
    expect(m.holidaySource).toBe("calendar+us-federal"); // the calendar ends where the horizon starts
  });

  it("writes volume_forecast: horizonDays × series rows with nested intervals", () => {
    expect(schema).toEqual({
      date: "DATE", line: "VARCHAR", channel: "VARCHAR", forecast: "DOUBLE", lower80: "DOUBLE",
      upper80: "DOUBLE", lower95: "DOUBLE", upper95: "DOUBLE", model_version: "VARCHAR",
    });
    expect(mart).toHaveLength(horizonDays * 4);
    expect(result.rowsOut).toBe(horizonDays * 4);
    const first = isoToDays(VOLUME_END) + 1;
    for (const line of ["All", "Billing", "Sales", "Support"]) {
      const days = mart.filter((r) => r.line === line).map((r) => isoToDays(r.date));
      expect(days).toEqual(Array.from({ length: horizonDays }, (_, i) => first + i));
    }
    for (const r of mart) {
      expect(r.channel).toBe("call");
      expect(r.model_version).toBe(result.version);
      expect(r.lower95).toBeLessThanOrEqual(r.lower80);
      expect(r.lower80).toBeLessThanOrEqual(r.forecast);
      expect(r.forecast).toBeLessThanOrEqual(r.upper80);
      expect(r.upper80).toBeLessThanOrEqual(r.upper95);
      expect(r.lower95).toBeGreaterThanOrEqual(0);
    }
    // Thanksgiving (2026-11-26) is forecast far below the Thursday before it.
    const all = new Map(mart.filter((r) => r.line === "All").map((r) => [r.date.slice(0, 10), r.forecast]));
    expect(all.get("2026-11-26")!).toBeLessThan(0.3 * all.get("2026-11-19")!);
  });

  it("saves the model and reloads it to the same forecasts", async () => {
    const dir = join(paths.models, "forecast", result.version);
    for (const f of ["model.json", "weights.bin", "metrics.json"]) expect(existsSync(join(dir, f))).toBe(true);
    expect(JSON.parse(readFileSync(join(paths.models, "forecast", "latest.json"), "utf8")).version).toBe(result.version);
    const doc = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8"));
    expect(doc.metrics.mase).toBe(result.metrics.mase);
    expect(doc.rows.out).toBe(horizonDays * 4);

    const loaded = await loadForecastModel(paths);
    const db = await openDb();
    const d = withLogs(await loadSeries(db, paths, horizonDays).finally(() => db.close()));
    const f = loaded.forecast(d, d.length - 1, horizonDays);
    d.names.forEach((line, s) => {
      const got = mart.filter((r) => r.line === line);
      got.forEach((r, h) => {
        expect(f.forecast[s]![h]).toBe(r.forecast);
        expect(f.upper95[s]![h]).toBe(r.upper95);
      });
    });
  });

  it("reads incoming calls only, densely, with 'All' as the sum of the lines", async () => {
    const db = await openDb();
    try {
      const d = await loadSeries(db, paths, 0);
      const [ref] = await rows<{ n: number; days: number }>(db, `
        SELECT sum(interactions)::DOUBLE AS n, count(DISTINCT date)::INTEGER AS days FROM ${martScan(paths, "daily_volume")}
        WHERE channel = 'call' AND direction = 'incoming'`);
      expect(d.length).toBe(ref!.days);
      const total = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
      expect(total(d.y[0]!)).toBe(ref!.n);
      expect(total(d.y[1]!) + total(d.y[2]!) + total(d.y[3]!)).toBe(ref!.n);
    } finally {
      db.close();
    }
  });

  it("gives identical metrics for the same data and seed", async () => {
    const again = await trainForecast(config);
    expect(again.metrics).toEqual(result.metrics);
  });
});
