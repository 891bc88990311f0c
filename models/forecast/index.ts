/**
 * trainForecast: daily and intraday forecasts of incoming interactions per line × channel (and
 * 'All'), rolling-origin backtests against seasonal naive, registry promotion, the forecast marts,
 * and the staffing plan built on the intraday call forecast.
 *
 * The candidate is promoted when its backtest MASE (mean of the daily and intraday means over the
 * series) beats the serving model's on the same backtest (registry.ts); otherwise the serving
 * model keeps forecasting, from today's data.
 */
import type { Config } from "../../pipelines/core/config.ts";
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { progressBar } from "../../pipelines/core/progress.ts";
import { configHash, newVersion, saveModelVersion } from "../shared/modelStore.ts";
import { decide, recordVersion, servingEntry, type RegistryEntry } from "../shared/registry.ts";
import type { SeriesBundle } from "../shared/series.ts";
import { initTf } from "../shared/tf.ts";
import { buildStaffing, type StaffingResult } from "../staffing/index.ts";
import { runGranularity, scoreOrigins, type BacktestMetrics, type GranularityRun } from "./backtest.ts";
import { DEFAULT_LAMBDA, DEFAULT_MAX_ROWS, forecastFrom, type EngineOptions, type Fitted } from "./engine.ts";
import type { IntervalModel } from "./intervals.ts";
import { writeDailyMart, writeIntervalMart } from "./marts.ts";
import { loadDailySeries, loadIntervalSeries } from "./series.ts";
import { dayIso, featureHash, loadForecastVersion, partMeta, type ForecastMeta, type LoadedForecast } from "./store.ts";

export type ForecastHeadline = {
  mase: number; naiveMase: number; coverage80: number; coverage95: number;
  intervalMase: number; intervalNaiveMase: number; intervalCoverage80: number; intervalCoverage95: number;
  daily: BacktestMetrics; interval: BacktestMetrics; holidaySource: string;
};

export type ForecastResult = {
  version: string; serving: string; promoted: boolean; reason: string;
  metrics: ForecastHeadline; staffing: StaffingResult; outputs: string[]; rowsIn: number; rowsOut: number;
};

export async function trainForecast(config: Config): Promise<ForecastResult> {
  const started = performance.now();
  const backend = await initTf();
  const paths = lakePaths(config);
  const { horizonDays: H, holdoutDays: holdout, seed } = config.models.forecast;
  const staffing = config.models.staffing;
  const minutes = staffing.intervalMinutes;
  const engine: EngineOptions = { H, lambda: DEFAULT_LAMBDA, seed, maxRows: DEFAULT_MAX_ROWS };
  const db = await openDb();
  const bar = progressBar("train forecast");
  try {
    const daily = await loadDailySeries(db, paths, H + 7);
    const intraday = await loadIntervalSeries(db, paths, minutes, H + 7, config.business);
    const S = intraday.grid.S;
    const dRun = runGranularity(daily, H, holdout, engine, (k) => bar.update(k, 6));
    const iRun = runGranularity(intraday, H * S, holdout * S, { ...engine, H: H * S }, (k) => bar.update(3 + k, 6));
    bar.stop();
    const metrics = headline(dRun.metrics, iRun.metrics, daily.holidaySource);
    log.info({ mase: metrics.mase, naiveMase: metrics.naiveMase, intervalMase: metrics.intervalMase, intervalNaiveMase: metrics.intervalNaiveMase }, "forecast: backtested");

    // Registry: compare with the serving model on the same backtest when it never saw that window.
    const version = newVersion(paths, "forecast");
    const hashes = {
      configHash: configHash({ forecast: config.models.forecast, intervalMinutes: minutes }),
      featureHash: featureHash(
        { features: dRun.final.features, names: daily.names, S: 1 },
        { features: iRun.final.features, names: intraday.names, S },
      ),
    };
    const score = { metric: "backtest MASE (mean of daily and intraday)", value: (metrics.mase + metrics.intervalMase) / 2, higherIsBetter: false };
    const serving = servingEntry(paths, "forecast");
    let incumbent: LoadedForecast | null = null;
    if (serving && serving.configHash === hashes.configHash && serving.featureHash === hashes.featureHash) {
      incumbent = await loadForecastVersion(paths, serving.version).catch((err) => {
        log.warn({ err: String(err), version: serving.version }, "forecast: the serving model cannot be loaded; the candidate will replace it");
        return null;
      });
    }
    const incumbentNow = incumbent ? incumbentScore(incumbent, daily, intraday, dRun, iRun, H, S) : null;
    const sameQuestion = serving !== null && serving.configHash === hashes.configHash && serving.featureHash === hashes.featureHash;
    const decision = sameQuestion && !incumbent
      ? { promote: true, reason: `serving ${serving!.version} cannot be loaded`, incumbent: null }
      : decide({ score, ...hashes }, serving, incumbentNow);

    const trainingWindow = {
      daily: windowDays(daily, dRun), interval: windowDays(intraday, iRun),
      forecast: { from: dayIso(daily, daily.grid.n - 1), days: H },
    };
    const meta: ForecastMeta = { kind: "forecast", intervalMinutes: minutes, parts: { daily: partMeta(dRun, daily), interval: partMeta(iRun, intraday) } };
    const saved = await saveModelVersion(paths, "forecast", version, { daily: dRun.final.model, interval: iRun.final.model }, meta as unknown as Record<string, unknown>, {
      model: "forecast",
      kind: "direct multi-horizon ridge regression (tfjs) on log(1 + y) relative to a seasonal base; empirical intervals from out-of-sample residuals",
      metrics, score, decision, trainingWindow, ...hashes, backend, seed,
      rows: { dailySeries: daily.names.length, intervalSeries: intraday.names.length, dailyTrain: dRun.final.nTrain, intervalTrain: iRun.final.nTrain },
      seconds: (performance.now() - started) / 1000, createdAt: new Date().toISOString(),
    });
    const entry: RegistryEntry = recordVersion(paths, "forecast", { version, createdAt: new Date().toISOString(), score, trainingWindow, ...hashes }, decision);
    log.info({ version, status: entry.status, reason: entry.reason }, "forecast: registry decision");

    // Serve: the candidate if promoted, else the serving model, forecasting from today's data.
    const use = decision.promote || !incumbent
      ? { version, daily: dRun.final, interval: iRun.final, dIv: dRun.finalIntervals, iIv: iRun.finalIntervals }
      : { version: incumbent.version, daily: incumbent.daily, interval: incumbent.interval, dIv: incumbent.meta.parts.daily.intervals, iIv: incumbent.meta.parts.interval.intervals };
    const dPaths = serve(use.daily, use.dIv, daily, dRun, H);
    const iPaths = serve(use.interval, use.iIv, intraday, iRun, H * S);
    const dMart = await writeDailyMart(db, paths, daily, daily.grid.n - 1, dPaths, use.version);
    const iMart = await writeIntervalMart(db, paths, intraday, intraday.grid.n - 1, iPaths, minutes, use.version);
    const staff = await buildStaffing(db, paths, staffing, intraday, intraday.grid.n - 1, iPaths, use.version);
    for (const f of [dRun.final, iRun.final]) f.model.dispose();
    if (incumbent) for (const f of [incumbent.daily, incumbent.interval]) f.model.dispose();
    const rowsIn = daily.names.length * daily.grid.n + intraday.names.length * intraday.grid.n;
    return {
      version, serving: use.version, promoted: decision.promote, reason: decision.reason, metrics, staffing: staff,
      outputs: [dMart.path, iMart.path, staff.mart, staff.csv, ...saved.files, `${paths.models}/forecast/registry.json`],
      rowsIn, rowsOut: dMart.rows + iMart.rows + staff.rows,
    };
  } finally {
    bar.stop();
    db.close();
  }
}

function serve(f: Fitted, iv: IntervalModel, b: SeriesBundle, run: GranularityRun, H: number) {
  return forecastFrom(f, b.grid, run.data, b.grid.n - 1, H, iv);
}

/** The serving model's backtest score on the candidate's origins, if it never saw them; else null. */
function incumbentScore(inc: LoadedForecast, daily: SeriesBundle, intraday: SeriesBundle, dRun: GranularityRun, iRun: GranularityRun, H: number, S: number): number | null {
  const holdoutStart = dayIso(daily, dRun.windows.E + 1);
  if (inc.meta.parts.daily.lastTrainingDay >= holdoutStart || inc.meta.parts.interval.lastTrainingDay >= holdoutStart) return null;
  const d = scoreOrigins(inc.daily, dRun.holdoutIntervals, daily, dRun.data, dRun.windows, H, daily.grid.C);
  const i = scoreOrigins(inc.interval, iRun.holdoutIntervals, intraday, iRun.data, iRun.windows, H * S, S * intraday.grid.C);
  return (d.mase + i.mase) / 2;
}

function windowDays(b: SeriesBundle, run: GranularityRun) {
  const w = run.windows;
  return {
    train: [dayIso(b, 0), dayIso(b, w.E)], backtest: [dayIso(b, w.E + 1), dayIso(b, w.T)],
    intervalCalibration: [dayIso(b, w.V + 1), dayIso(b, w.E)], final: [dayIso(b, 0), dayIso(b, w.T)],
  };
}

function headline(d: BacktestMetrics, i: BacktestMetrics, holidaySource: string): ForecastHeadline {
  return {
    mase: d.mase, naiveMase: d.naiveMase, coverage80: d.coverage80, coverage95: d.coverage95,
    intervalMase: i.mase, intervalNaiveMase: i.naiveMase, intervalCoverage80: i.coverage80, intervalCoverage95: i.coverage95,
    daily: d, interval: i, holidaySource,
  };
}
