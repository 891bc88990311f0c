import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { trainForecast, type ForecastResult } from "../../models/forecast/index.ts";
import { readRegistry } from "../../models/shared/registry.ts";
import { tfBackend } from "../../models/shared/tf.ts";
import { VOLUME_END, expectNestedBounds, makeVolumeMarts, tempConfig } from "./synthetic.ts";

type Daily = { date: string; line: string; channel: string; forecast: number; lower80: number; upper80: number; lower95: number; upper95: number; model_version: string };
type Interval = Omit<Daily, "date"> & { interval_start: string; interval_minutes: number };
type Staff = { interval_start: string; line: string; channel: string; pooling: string; rostered: number; asa_seconds: number | null; forecast: number; upper80: number; aht_seconds: number; agents_needed: number; agents_needed_upper80: number; agents_erlang_a: number | null; scheduled: number; service_level: number; occupancy: number; model_version: string };

const SERIES = ["All/call", "Billing/call", "Sales/call", "Support/call", "All/message", "Billing/message", "Sales/message", "Support/message"];

describe("volume forecast on synthetic series (weekly shape, growth, holidays, two intraday peaks)", () => {
  // Every run retrains (the weekly default would only forecast on the second run below, which tests a retrain's refusal).
  const config = tempConfig({ retrain: { forecast: { everyDays: 0 } } });
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
    staffing = await q<Staff>(`SELECT * EXCLUDE (interval_start), strftime(interval_start, '%Y-%m-%d %H:%M') AS interval_start FROM ${martScan(paths, "staffing")} ORDER BY channel, line, interval_start`);
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
    expect(result.metrics.holidaySource).toBe("date-holidays US (public; substitute days)");
  });

  it("writes volume_forecast (daily) for every line × channel with nested intervals", () => {
    expect(daily).toHaveLength(horizonDays * SERIES.length);
    const first = new Date(Date.parse(`${VOLUME_END}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(daily.filter((r) => r.line === "All" && r.channel === "call").map((r) => r.date.slice(0, 10))[0]).toBe(first);
    for (const r of daily) {
      expect(r.model_version).toBe(result.serving);
      expectNestedBounds(r);
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
    // One forecast at two grains: the intervals of a day add up to the daily forecast, for every series.
    const byDay = new Map<string, number>();
    for (const r of intraday) { const k = `${r.line}/${r.channel}/${r.interval_start.slice(0, 10)}`; byDay.set(k, (byDay.get(k) ?? 0) + r.forecast); }
    for (const r of daily) {
      const sum = byDay.get(`${r.line}/${r.channel}/${r.date.slice(0, 10)}`)!;
      expect(Math.abs(sum - r.forecast), `${r.line}/${r.channel} ${r.date}`).toBeLessThanOrEqual(1e-9 * Math.max(1, r.forecast));
    }
  });

  it("is coherent across lines: the lines add up to All, daily and per interval", () => {
    for (const [rows, key] of [[daily, (r: Daily) => `${r.channel}/${r.date}`], [intraday, (r: Interval) => `${r.channel}/${r.interval_start}`]] as const) {
      const lines = new Map<string, number>();
      const totals = new Map<string, number>();
      for (const r of rows as Array<Daily & Interval>) {
        const k = (key as (r: Daily & Interval) => string)(r);
        if (r.line === "All") totals.set(k, r.forecast); else lines.set(k, (lines.get(k) ?? 0) + r.forecast);
      }
      expect(totals.size).toBeGreaterThan(0);
      for (const [k, t] of totals) expect(Math.abs(lines.get(k)! - t), k).toBeLessThanOrEqual(1e-9 * Math.max(1, t));
    }
    // The backtest scores the coherent forecast, and reports the base models' MASE beside it.
    for (const m of [result.metrics.daily, result.metrics.interval]) {
      expect(m.baseMase).toBeGreaterThan(0);
      expect(m.levels.total.series).toBe(2);
      expect(m.levels.lines.series).toBe(6);
    }
  });

  it("staffs open intervals only: weekdays 08:00–20:00, Saturday 08:00–13:00, never Sunday or Thanksgiving", () => {
    // Independent of the model: the demo business's hours over the 14 days after VOLUME_END.
    const first = Date.parse(`${VOLUME_END}T00:00:00Z`) + 86_400_000;
    let open = 0;
    for (let d = 0; d < horizonDays; d++) {
      const day = new Date(first + d * 86_400_000);
      const iso = day.toISOString().slice(0, 10);
      const wd = day.getUTCDay(); // 0 = Sunday
      if (iso === "2026-11-26" || wd === 0) continue;
      open += wd === 6 ? 10 : 24;
    }
    expect(staffing.length).toBe(open * 8); // 4 call queues and 4 message queues (lines + All)
    for (const r of staffing) {
      const hhmm = r.interval_start.slice(11);
      const day = new Date(`${r.interval_start.slice(0, 10)}T00:00:00Z`).getUTCDay();
      expect(day).not.toBe(0);
      expect(r.interval_start.slice(0, 10)).not.toBe("2026-11-26");
      expect(hhmm >= "08:00" && hhmm < (day === 6 ? "13:00" : "20:00"), r.interval_start).toBe(true);
      expect(r.pooling).toBe(r.line === "All" ? "pooled" : "dedicated");
      expect(r.rostered).toBeGreaterThanOrEqual(r.scheduled);
    }
  });

  it("plans calls per line and pooled, with service level, ASA, occupancy and Erlang A, and exports one CSV", () => {
    const calls = staffing.filter((r) => r.channel === "call");
    for (const r of calls) {
      expect(r.agents_needed).toBeGreaterThanOrEqual(1); // models.staffing.minAgents
      expect(r.agents_needed_upper80).toBeGreaterThanOrEqual(Math.min(r.agents_needed, r.agents_needed_upper80));
      expect(r.scheduled).toBe(Math.ceil(r.agents_needed / 0.7 - 1e-9));
      if (r.forecast > 1) expect(r.service_level).toBeGreaterThanOrEqual(0.8);
      expect(r.occupancy).toBeLessThanOrEqual(0.85 + 1e-9);
      expect(r.asa_seconds).not.toBeNull();
      expect(r.agents_erlang_a).not.toBeNull();
      expect(r.model_version).toBe(result.serving);
    }
    // Handle times come from history per line: Sales (420 s mean) above Billing (240 s).
    const aht = (line: string) => calls.filter((r) => r.line === line).reduce((s, r) => s + r.aht_seconds, 0) / calls.filter((r) => r.line === line).length;
    expect(aht("Sales")).toBeGreaterThan(aht("Billing") * 1.4);
    // Pooling the lines needs fewer agents than staffing each on its own.
    const busy = calls.filter((r) => r.interval_start.endsWith("10:00"));
    const pooled = busy.filter((r) => r.line === "All").reduce((s, r) => s + r.agents_needed, 0);
    const separate = busy.filter((r) => r.line !== "All").reduce((s, r) => s + r.agents_needed, 0);
    expect(pooled).toBeLessThan(separate);
    // Messages are staffed too, as an asynchronous channel.
    const messages = staffing.filter((r) => r.channel === "message");
    expect(messages.length).toBe(calls.length);
    expect(messages.every((r) => r.agents_erlang_a === null && r.service_level >= 0.8)).toBe(true);
    const csv = readFileSync(result.staffing.csv, "utf8").trim().split("\n");
    expect(csv[0]).toBe("date,interval_start,interval_minutes,channel,line,pooling,forecast,lower80,upper80,handle_seconds,agents_needed,scheduled,rostered,service_level_pct,asa_seconds,occupancy_pct,abandon_pct,method,model_version");
    expect(csv).toHaveLength(staffing.length + 1);
    expect(existsSync(result.staffing.shiftMart)).toBe(true);
  });

  it("keeps every forecast (backtest origins and this run) and scores the past ones in forecast_accuracy", async () => {
    const snaps = await q<{ source: string; origins: number; n: number }>(`SELECT source, count(DISTINCT origin_date)::INTEGER AS origins, count(*)::INTEGER AS n FROM ${martScan(paths, "forecast_snapshots")} GROUP BY ALL ORDER BY source`);
    expect(snaps.map((r) => [r.source, r.origins])).toEqual([["backtest", 4], ["run", 1]]);
    const acc = await q<{ n: number; weeks: number }>(`SELECT count(*)::INTEGER AS n, count(DISTINCT week_start)::INTEGER AS weeks FROM ${martScan(paths, "forecast_accuracy")}`);
    expect(acc[0]!.n).toBeGreaterThan(0);
    expect(acc[0]!.weeks).toBe(4);
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
