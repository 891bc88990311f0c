import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { trainForecast, type ForecastResult } from "../../models/forecast/index.ts";
import { readRegistry } from "../../models/shared/registry.ts";
import { tfBackend } from "../../models/shared/tf.ts";
import { VOLUME_END, makeVolumeMarts, tempConfig } from "./synthetic.ts";

type Daily = { date: string; line: string; channel: string; forecast: number; lower80: number; upper80: number; lower95: number; upper95: number; model_version: string };
type Interval = Omit<Daily, "date"> & { interval_start: string; interval_minutes: number };
type Staff = { interval_start: string; line: string; forecast: number; upper80: number; aht_seconds: number; agents_needed: number; agents_needed_upper80: number; agents_erlang_a: number | null; scheduled: number; service_level: number; occupancy: number; model_version: string };

const SERIES = ["All/call", "Billing/call", "Sales/call", "Support/call", "All/message", "Billing/message", "Sales/message", "Support/message"];

describe("volume forecast on synthetic series (weekly shape, growth, holidays, two intraday peaks)", () => {
  const config = tempConfig();
  const paths = lakePaths(config);
  const { horizonDays } = config.models.forecast;
  let result: ForecastResult;
  let daily: Daily[];
  let intraday: Interval[];
  let staffing: Staff[];
  const q = async <T,>(sql: string) => { const db = await openDb(); try { return await rows<T>(db, sql); } finally { db.close(); } };

  beforeAll(async () => {
    await makeVolumeMarts(config, { calendar: true, intraday: true });
    result = await trainForecast(config);
    daily = await q<Daily>(`SELECT * FROM ${martScan(paths, "volume_forecast")} ORDER BY channel, line, date`);
    intraday = await q<Interval>(`SELECT * EXCLUDE (interval_start), strftime(interval_start, '%Y-%m-%d %H:%M') AS interval_start FROM ${martScan(paths, "volume_forecast_interval")} ORDER BY channel, line, interval_start`);
    staffing = await q<Staff>(`SELECT * EXCLUDE (interval_start), strftime(interval_start, '%Y-%m-%d %H:%M') AS interval_start FROM ${martScan(paths, "staffing")} ORDER BY line, interval_start`);
  });

  it("trains on the wasm backend", () => {
    expect(["wasm", "tensorflow"]).toContain(tfBackend());
  });

  it("beats seasonal naive in rolling-origin backtests, per series, daily and intraday", () => {
    for (const m of [result.metrics.daily, result.metrics.interval]) {
      expect(Object.keys(m.series)).toEqual(SERIES);
      expect(m.origins).toHaveLength(4); // a 28-day holdout, origins a week apart
      for (const [name, s] of Object.entries(m.series)) {
        expect(s.mase, name).toBeLessThan(s.naiveMase);
        // sMAPE punishes any non-zero forecast of a zero (200%), so it only ranks series without
        // intermittent zeros: the daily ones and the busy intraday totals.
        if (m === result.metrics.daily || name.startsWith("All/")) expect(s.smape, name).toBeLessThan(s.naiveSmape);
      }
      expect(m.coverage80).toBeGreaterThan(0.65);
      expect(m.coverage80).toBeLessThan(0.95);
      expect(m.coverage95).toBeGreaterThan(m.coverage80);
    }
    expect(result.metrics.holidaySource).toBe("calendar+us-federal");
  });

  it("writes volume_forecast (daily) for every line × channel with nested intervals", () => {
    expect(daily).toHaveLength(horizonDays * SERIES.length);
    const first = new Date(Date.parse(`${VOLUME_END}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(daily.filter((r) => r.line === "All" && r.channel === "call").map((r) => r.date.slice(0, 10))[0]).toBe(first);
    for (const r of daily) {
      expect(r.model_version).toBe(result.serving);
      expect(r.lower95).toBeLessThanOrEqual(r.lower80);
      expect(r.lower80).toBeLessThanOrEqual(r.forecast);
      expect(r.forecast).toBeLessThanOrEqual(r.upper80);
      expect(r.upper80).toBeLessThanOrEqual(r.upper95);
    }
    // Thanksgiving (2026-11-26) is forecast far below the Thursday before it.
    const all = new Map(daily.filter((r) => r.line === "All" && r.channel === "call").map((r) => [r.date.slice(0, 10), r.forecast]));
    expect(all.get("2026-11-26")!).toBeLessThan(0.3 * all.get("2026-11-19")!);
  });

  it("writes volume_forecast_interval: 48 half-hours a day with the intraday peaks", () => {
    expect(intraday).toHaveLength(horizonDays * 48 * SERIES.length);
    expect(new Set(intraday.map((r) => r.interval_minutes))).toEqual(new Set([30]));
    const day = intraday.filter((r) => r.line === "All" && r.channel === "call" && r.interval_start.startsWith("2026-11-17"));
    expect(day).toHaveLength(48);
    const at = (hhmm: string) => day.find((r) => r.interval_start.endsWith(hhmm))!.forecast;
    expect(at("10:00")).toBeGreaterThan(5 * at("07:00") + 1);
    expect(at("03:00")).toBeLessThan(0.5);
    // The intervals of a day add up to about the daily forecast.
    const sum = day.reduce((s, r) => s + r.forecast, 0);
    const d = daily.find((r) => r.line === "All" && r.channel === "call" && r.date.startsWith("2026-11-17"))!.forecast;
    expect(Math.abs(sum - d) / d).toBeLessThan(0.1);
  });

  it("plans staffing per business-hours interval and line, and exports a CSV", () => {
    expect(staffing.length).toBe(horizonDays * 24 * 4); // 08:00–20:00, lines + All
    for (const r of staffing) {
      expect(r.interval_start.slice(11) >= "08:00" && r.interval_start.slice(11) < "20:00").toBe(true);
      expect(r.agents_needed_upper80).toBeGreaterThanOrEqual(r.agents_needed);
      expect(r.scheduled).toBe(Math.ceil(r.agents_needed / 0.7 - 1e-9) || 0);
      if (r.forecast > 1) expect(r.service_level).toBeGreaterThanOrEqual(0.8);
      expect(r.occupancy).toBeLessThanOrEqual(0.85 + 1e-9);
      expect(r.agents_erlang_a).not.toBeNull();
      expect(r.agents_erlang_a!).toBeLessThanOrEqual(r.agents_needed);
      expect(r.model_version).toBe(result.serving);
    }
    // Handle times come from history per line: Sales (420 s mean) above Billing (240 s).
    const aht = (line: string) => staffing.filter((r) => r.line === line).reduce((s, r) => s + r.aht_seconds, 0) / staffing.filter((r) => r.line === line).length;
    expect(aht("Sales")).toBeGreaterThan(aht("Billing") * 1.4);
    // Pooling the lines needs fewer agents than staffing each on its own.
    const busy = staffing.filter((r) => r.interval_start.endsWith("10:00"));
    const pooled = busy.filter((r) => r.line === "All").reduce((s, r) => s + r.agents_needed, 0);
    const separate = busy.filter((r) => r.line !== "All").reduce((s, r) => s + r.agents_needed, 0);
    expect(pooled).toBeLessThan(separate);
    expect(existsSync(result.staffing.csv)).toBe(true);
    const csv = readFileSync(result.staffing.csv, "utf8").trim().split("\n");
    expect(csv[0]).toContain("interval_start,interval_minutes,line,forecast_calls");
    expect(csv).toHaveLength(staffing.length + 1);
  });

  it("registers the first model, then refuses an identical retrain and keeps serving it", async () => {
    expect(result.promoted).toBe(true);
    const doc = JSON.parse(readFileSync(join(paths.models, "forecast", result.version, "metrics.json"), "utf8"));
    expect(doc.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.trainingWindow.daily.backtest).toEqual(["2026-10-19", VOLUME_END]);
    const again = await trainForecast(config);
    expect(again.metrics.mase).toBe(result.metrics.mase); // seeded and deterministic
    expect(again.promoted).toBe(false);
    expect(again.serving).toBe(result.version);
    expect(again.reason).toMatch(/does not beat the serving model/);
    const reg = readRegistry(paths, "forecast");
    expect(reg.map((e) => e.status)).toEqual(["serving", "refused"]);
    expect(JSON.parse(readFileSync(join(paths.models, "forecast", "latest.json"), "utf8")).version).toBe(result.version);
    const versions = await q<{ v: string }>(`SELECT DISTINCT model_version AS v FROM ${martScan(paths, "volume_forecast")}`);
    expect(versions).toEqual([{ v: result.version }]);
  });
});
