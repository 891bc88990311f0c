/**
 * The forecast's retrain schedule (models.retrain.forecast.everyDays): a night that is not due runs no
 * backtest and no refit — the serving version forecasts from the newest data (the horizon starting the
 * day after the data's last day), writes no version folder and no registry entry — and its forecast is
 * the one the stored version gives on that data; the snapshots it keeps are scored in forecast_accuracy
 * once their days have happened; a due night, a changed config and a serving version that cannot be
 * loaded retrain. Synthetic series (150 days, three lines, two channels), cut at the night's last day.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exec, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { grains, serveCoherent } from "../../models/forecast/backtest.ts";
import { loadDailySeries, loadIntervalSeries } from "../../models/forecast/series.ts";
import { loadForecastVersion } from "../../models/forecast/store.ts";
import { businessCalendar } from "../../models/shared/businessCalendar.ts";
import { trainForecast, type ForecastResult } from "../../models/forecast/index.ts";
import { daysToIso, isoToDays } from "../../models/shared/dates.ts";
import { readRegistry } from "../../models/shared/registry.ts";
import { forcingRetrain, planRetrain, retrainConfig } from "../../models/shared/retrain.ts";
import { VOLUME_END, expectNestedBounds, makeVolumeMarts, tempConfig } from "./synthetic.ts";

const END = isoToDays(VOLUME_END);
const NIGHT_A = daysToIso(END - 10); // first model
const NIGHT_C = daysToIso(END - 5); // 5 new days: not due (every 7)
const INPUTS = ["daily_volume", "interactions", "calls"];

type Day = { date: string; line: string; channel: string; forecast: number; lower80: number; upper80: number; lower95: number; upper95: number; model_version: string };

describe("forecast retrain schedule (models.retrain.forecast.everyDays)", () => {
  const source = tempConfig();
  const config = tempConfig({ retrain: { forecast: { everyDays: 7 } }, staffing: { intervalMinutes: 60 } });
  const paths = lakePaths(config);
  const H = config.models.forecast.horizonDays;
  const MODELS = { retrain: { forecast: { everyDays: 7 } }, staffing: { intervalMinutes: 60 } };
  /** The same data folder with other model settings. */
  const withModels = (over: Record<string, unknown>) => parseConfig({ paths: { data: config.paths.data }, models: { ...MODELS, ...over } });
  const q = async <T,>(sql: string) => { const db = await openDb(); try { return await rows<T>(db, sql); } finally { db.close(); } };
  const daily = () => q<Day>(`SELECT strftime(date, '%Y-%m-%d') AS date, line, channel, forecast, lower80, upper80, lower95, upper95, model_version FROM ${martScan(paths, "volume_forecast")} ORDER BY channel, line, date`);
  const intervals = () => q<Record<string, unknown>>(`SELECT * EXCLUDE (interval_start), strftime(interval_start, '%Y-%m-%d %H:%M') AS t FROM ${martScan(paths, "volume_forecast_interval")} ORDER BY channel, line, t`);
  const staffing = () => q<Record<string, unknown>>(`SELECT * EXCLUDE (interval_start), strftime(interval_start, '%Y-%m-%d %H:%M') AS t FROM ${martScan(paths, "staffing")} ORDER BY channel, line, pooling, t`);
  const folders = () => readdirSync(join(paths.models, "forecast"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  /** The night's data: the synthetic marts up to `last` (inclusive). */
  const night = async (last: string) => {
    const db = await openDb();
    try {
      for (const m of INPUTS) {
        const dir = join(paths.marts, m);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        await exec(db, `COPY (SELECT * FROM ${martScan(lakePaths(source), m)} WHERE CAST(date AS DATE) <= DATE '${last}') TO '${join(dir, "data.parquet")}' (FORMAT parquet)`);
      }
    } finally {
      db.close();
    }
  };

  /** The serving version's coherent forecast from the marts' last day, computed from the version on disk. */
  const storedForecast = async () => {
    const db = await openDb();
    try {
      const cal = businessCalendar(config);
      const dailyB = await loadDailySeries(db, paths, H + 7, cal);
      const intraB = await loadIntervalSeries(db, paths, 60, H + 7, cal);
      const v = await loadForecastVersion(paths, a.version);
      const d = v.meta.parts.daily;
      const i = v.meta.parts.interval;
      const out = serveCoherent({ daily: v.daily, intra: v.interval }, { ...grains(dailyB, intraB, H, config.models.forecast.holdoutDays), phi: { daily: d.dispersion!, intra: i.dispersion!, intraDay: i.dayDispersion! } }, { daily: d.intervals, intra: i.intervals });
      for (const f of [v.daily, v.interval]) f.model.dispose();
      const last = dailyB.firstDay + dailyB.grid.n - 1;
      const byKey = new Map<string, Record<"forecast" | "lower80" | "upper80" | "lower95" | "upper95", number>>();
      dailyB.keys.forEach((k, s) => {
        const p = out.daily[s]!;
        for (let h = 0; h < H; h++) byKey.set(`${daysToIso(last + 1 + h)}|${k.line}|${k.channel}`, { forecast: p.forecast[h]!, lower80: p.lower80[h]!, upper80: p.upper80[h]!, lower95: p.lower95[h]!, upper95: p.upper95[h]! });
      });
      return byKey;
    } finally {
      db.close();
    }
  };

  let a: ForecastResult;
  let b: ForecastResult;
  let c: ForecastResult;
  const marts: Record<string, { daily: Day[]; intervals: unknown[]; staffing: unknown[] }> = {};

  beforeAll(async () => {
    await makeVolumeMarts(source, { days: 150, intraday: true });
    await night(NIGHT_A);
    a = await trainForecast(config);
    marts.a = { daily: await daily(), intervals: await intervals(), staffing: await staffing() };
    b = await trainForecast(config); // the same data again
    marts.b = { daily: await daily(), intervals: await intervals(), staffing: await staffing() };
    await night(NIGHT_C);
    c = await trainForecast(config);
    marts.c = { daily: await daily(), intervals: await intervals(), staffing: await staffing() };
  }, 300_000);

  it("retrains the first night, then only forecasts with the serving version: no new version, registry unchanged", () => {
    expect(a).toMatchObject({ trained: true, promoted: true, reason: "first model", nextRetrain: null });
    for (const r of [b, c]) {
      expect(r).toMatchObject({ trained: false, promoted: false, version: a.version, serving: a.version });
      // The last retrain's data ended on NIGHT_A: due 7 days later.
      expect(r.nextRetrain).toBe(daysToIso(END - 3));
      expect(r.reason).toMatch(new RegExp(`next retrain due on data to ${daysToIso(END - 3)}`));
      expect(r.metrics).toEqual(a.metrics);
    }
    expect(folders()).toEqual([a.version]);
    expect(readRegistry(paths, "forecast").map((e) => [e.version, e.status])).toEqual([[a.version, "serving"]]);
  });

  it("on unchanged data, forecasts exactly what the retrain served (daily, intervals, staffing)", () => {
    expect(marts.a!.daily.length).toBeGreaterThan(0);
    expect(marts.b!.daily).toEqual(marts.a!.daily);
    expect(marts.b!.intervals).toEqual(marts.a!.intervals);
    // Staffing's handle times are SQL averages (summed in parallel): equal to 1e-9, as between two rebuilds.
    const sa = marts.a!.staffing as Array<Record<string, unknown>>;
    const sb = marts.b!.staffing as Array<Record<string, unknown>>;
    expect(sb.length).toBe(sa.length);
    sa.forEach((ra, i) => {
      const rb = sb[i]!;
      expect(Object.keys(rb)).toEqual(Object.keys(ra));
      for (const [k, va] of Object.entries(ra)) {
        const vb = rb[k];
        if (typeof va === "number" && typeof vb === "number") expect(Math.abs(va - vb), `${ra.t} ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(va)));
        else expect(vb, `${ra.t} ${k}`).toEqual(va);
      }
    });
  });

  it("forecasts the horizon after the new data's last day, coherent, with ordered bounds, from the serving version", async () => {
    const rowsC = marts.c!.daily;
    const series = [...new Set(rowsC.map((r) => `${r.line}/${r.channel}`))];
    expect(series).toHaveLength(8);
    const want = Array.from({ length: H }, (_, h) => daysToIso(END - 5 + 1 + h));
    for (const s of series) expect(rowsC.filter((r) => `${r.line}/${r.channel}` === s).map((r) => r.date)).toEqual(want);
    for (const r of rowsC) {
      expect(r.model_version).toBe(a.version);
      expectNestedBounds(r);
    }
    // Coherent: the lines add up to 'All' per day and channel.
    for (const ch of ["call", "message"]) {
      for (const date of want) {
        const day = rowsC.filter((r) => r.channel === ch && r.date === date);
        const lines = day.filter((r) => r.line !== "All").reduce((sum, r) => sum + r.forecast, 0);
        expect(day.find((r) => r.line === "All")!.forecast).toBeCloseTo(lines, 6);
      }
    }
    // The stored version's forecast on this data, computed here from the version on disk and the marts.
    const expected = await storedForecast();
    for (const r of rowsC) {
      const e = expected.get(`${r.date}|${r.line}|${r.channel}`)!;
      for (const k of ["forecast", "lower80", "upper80", "lower95", "upper95"] as const) expect(r[k], `${r.date} ${r.line}/${r.channel} ${k}`).toBeCloseTo(e[k], 9);
    }
    // The data changed, so the forecast did: night C is not a copy of night A's marts.
    expect(rowsC[0]!.date).not.toBe(marts.a!.daily[0]!.date);
    // The staffing plan was rebuilt on it: the horizon's intervals, the serving version.
    const staff = marts.c!.staffing as Array<{ t: string; model_version: string }>;
    expect(staff.length).toBeGreaterThan(0);
    expect(staff.every((r) => r.t.slice(0, 10) >= want[0]! && r.t.slice(0, 10) <= want[H - 1]! && r.model_version === a.version)).toBe(true);
  });

  it("keeps score-only nights' forecasts as snapshots and scores them against the actuals in forecast_accuracy", async () => {
    const snaps = await q<{ origin: string; source: string; version: string; n: number }>(`SELECT strftime(origin_date, '%Y-%m-%d') AS origin, source, model_version AS version, count(*)::INTEGER AS n FROM ${martScan(paths, "forecast_snapshots")} WHERE source = 'run' GROUP BY ALL ORDER BY origin`);
    expect(snaps).toEqual([
      { origin: NIGHT_A, source: "run", version: a.version, n: 8 * H },
      { origin: NIGHT_C, source: "run", version: a.version, n: 8 * H },
    ]);
    // Night C's snapshot is night C's forecast; night A's is night A's (not overwritten by the later night).
    const snapOf = (origin: string) => q<Day>(`SELECT strftime(date, '%Y-%m-%d') AS date, line, channel, forecast, lower80, upper80, lower95, upper95, model_version FROM ${martScan(paths, "forecast_snapshots")} WHERE source = 'run' AND origin_date = DATE '${origin}' ORDER BY channel, line, date`);
    expect(await snapOf(NIGHT_C)).toEqual(marts.c!.daily);
    expect(await snapOf(NIGHT_A)).toEqual(marts.a!.daily);
    // Night A's forecast for the five days that have now happened is scored: forecast_accuracy covers every
    // snapshot day with an actual (incoming, lines summed for 'All') once, its forecasts and its actuals.
    const [scored] = await q<{ n: number; run: number; forecast: number; actual: number }>(`
      WITH per_line AS (SELECT date, line, channel, sum(interactions)::DOUBLE AS y FROM ${martScan(paths, "daily_volume")} WHERE direction = 'incoming' GROUP BY ALL),
      actual AS (SELECT * FROM per_line UNION ALL SELECT date, 'All', channel, sum(y) FROM per_line GROUP BY ALL)
      SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE s.source = 'run')::INTEGER AS run, sum(s.forecast) AS forecast, sum(a.y) AS actual
      FROM ${martScan(paths, "forecast_snapshots")} s JOIN actual a USING (date, line, channel)`);
    expect(scored!.run).toBe(5 * 8);
    const [acc] = await q<{ days: number; forecast: number; actual: number }>(`SELECT sum(days)::INTEGER AS days, sum(forecast) AS forecast, sum(actual) AS actual FROM ${martScan(paths, "forecast_accuracy")}`);
    expect(acc!.days).toBe(scored!.n);
    expect(acc!.forecast).toBeCloseTo(scored!.forecast, 6);
    expect(acc!.actual).toBeCloseTo(scored!.actual, 6);
    const runWeeks = await q<{ sources: string }>(`SELECT DISTINCT sources FROM ${martScan(paths, "forecast_accuracy")} WHERE sources LIKE '%run%'`);
    expect(runWeeks.length).toBeGreaterThan(0);
  });

  it("retrains when due, when the config changes and when the serving version cannot be loaded", async () => {
    const entry = readRegistry(paths, "forecast")[0]!;
    const hashes = { configHash: entry.configHash, featureHash: entry.featureHash };
    expect(planRetrain(config, paths, "forecast", daysToIso(END - 4), hashes).retrain).toBe(false);
    expect(planRetrain(config, paths, "forecast", daysToIso(END - 3), hashes)).toMatchObject({ retrain: true, reason: expect.stringMatching(/retrain due/) });
    expect(planRetrain(config, paths, "forecast", NIGHT_C, { ...hashes, configHash: "other" })).toMatchObject({ retrain: true, reason: expect.stringMatching(/config changed/) });
    expect(planRetrain(config, paths, "forecast", NIGHT_C, { ...hashes, featureHash: "other" })).toMatchObject({ retrain: true, reason: expect.stringMatching(/features changed/) });
    expect(planRetrain(withModels({ retrain: { forecast: { everyDays: 0 } } }), paths, "forecast", NIGHT_C, hashes).retrain).toBe(true);
    // `train --retrain` forces one retrain of the models it names, whatever the schedule; the default schedule is weekly.
    expect(planRetrain(forcingRetrain(config, ["forecast"]), paths, "forecast", daysToIso(END - 4), hashes).retrain).toBe(true);
    expect(planRetrain(forcingRetrain(config, ["churn"]), paths, "forecast", daysToIso(END - 4), hashes).retrain).toBe(false);
    expect(retrainConfig(parseConfig({})).forecast.everyDays).toBe(7);

    // Due: the data reaches 10 days past the last retrain's → a retrain, one more registry entry.
    await night(VOLUME_END);
    const d = await trainForecast(config);
    expect(d).toMatchObject({ trained: true, nextRetrain: null });
    expect(d.reason).not.toMatch(/next retrain due/);
    expect(d.version).not.toBe(a.version);
    expect(readRegistry(paths, "forecast").map((e) => e.version)).toEqual([a.version, d.version]);
    // The score-only nights' snapshots stay as they were issued (the retrain adds its own and its backtest's).
    const kept = await q<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${martScan(paths, "forecast_snapshots")} WHERE source = 'run' AND model_version = '${a.version}' AND origin_date IN (DATE '${NIGHT_A}', DATE '${NIGHT_C}')`);
    expect(kept[0]!.n).toBe(2 * 8 * H);

    // A changed config (another holdout) asks another question: not due by the calendar, yet it retrains and is promoted.
    const other = withModels({ forecast: { holdoutDays: 21 } });
    const e = await trainForecast(other);
    expect(e).toMatchObject({ trained: true, promoted: true });
    expect(e.reason).toMatch(/config/);

    // A serving version whose weights are damaged cannot be loaded: not due, yet the night retrains.
    writeFileSync(join(paths.models, "forecast", e.version, "daily", "weights.bin"), "");
    const f = await trainForecast(other);
    expect(f.trained).toBe(true);
    expect(f.version).not.toBe(e.version);
  }, 300_000);
});
