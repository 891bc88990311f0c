/**
 * trainForecast: daily and intraday forecasts of incoming interactions per line × channel (and
 * 'All'), rolling-origin backtests against seasonal naive, registry promotion, the forecast marts,
 * and the staffing plan built on the intraday call forecast.
 *
 * The candidate is promoted when its backtest MASE (mean of the daily and intraday means over the
 * series) beats the serving model's on the same backtest (registry.ts); otherwise the serving
 * model keeps forecasting, from today's data. The retrain follows its schedule
 * (models.retrain.forecast, shared/retrain.ts): a night that is not due runs no backtest and no
 * refit, and the serving version forecasts from today's data (serve.ts).
 */
import type { Config } from "../../pipelines/core/config.ts";
import { openDb, type Db } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { progressBar } from "../../pipelines/core/progress.ts";
import { businessCalendar, type BusinessCalendar } from "../shared/businessCalendar.ts";
import { configHash, newVersion, saveModelVersion } from "../shared/modelStore.ts";
import { decide, recordVersion, registryConfig, servingEntry, type RegistryEntry } from "../shared/registry.ts";
import { planRetrain, type RetrainPlan } from "../shared/retrain.ts";
import type { SeriesBundle } from "../shared/series.ts";
import { initTf } from "../shared/tf.ts";
import type { StaffingResult } from "../staffing/index.ts";
import { backtest, grains, runJoint, type BacktestMetrics, type Grain, type JointRun } from "./backtest.ts";
import { featureNames } from "./design.ts";
import { DEFAULT_LAMBDA, DEFAULT_MAX_ROWS, type EngineOptions } from "./engine.ts";
import { loadDailySeries, loadIntervalSeries } from "./series.ts";
import { serveForecast, servingOf, type Serving } from "./serve.ts";
import { dayIso, featureHash, loadForecastVersion, partMeta, type ForecastMeta, type LoadedForecast } from "./store.ts";

export type ForecastHeadline = {
  mase: number; naiveMase: number; coverage80: number; coverage95: number;
  intervalMase: number; intervalNaiveMase: number; intervalCoverage80: number; intervalCoverage95: number;
  daily: BacktestMetrics; interval: BacktestMetrics; holidaySource: string;
};

/**
 * `trained`: false on a night the schedule (models.retrain.forecast) only forecast: then `metrics`
 * are the serving version's recorded ones, `version` is the serving one and `nextRetrain` says when
 * the next retrain is due (data end, YYYY-MM-DD).
 */
export type ForecastResult = {
  version: string; serving: string; promoted: boolean; reason: string;
  metrics: ForecastHeadline; staffing: StaffingResult; outputs: string[]; rowsIn: number; rowsOut: number;
  trained: boolean; nextRetrain: string | null;
};

/** The hashes a retrain records: the question (config, calendar) and the features today's series give. */
function forecastHashes(config: Config, cal: BusinessCalendar, daily: SeriesBundle, intraday: SeriesBundle) {
  return {
    configHash: configHash({ forecast: config.models.forecast, intervalMinutes: config.models.staffing.intervalMinutes, hours: cal.weekly, holidays: config.business.holidays, specialDays: config.business.specialDays }),
    featureHash: featureHash(
      { features: featureNames(daily.grid, daily.names), names: daily.names, S: 1 },
      { features: featureNames(intraday.grid, intraday.names), names: intraday.names, S: intraday.grid.S },
    ),
  };
}

export async function trainForecast(config: Config): Promise<ForecastResult> {
  const started = performance.now();
  const backend = await initTf();
  const paths = lakePaths(config);
  const { horizonDays: H, holdoutDays: holdout, seed } = config.models.forecast;
  const minutes = config.models.staffing.intervalMinutes;
  const cal = businessCalendar(config);
  const engine: EngineOptions = { H, lambda: DEFAULT_LAMBDA, seed, maxRows: DEFAULT_MAX_ROWS };
  const db = await openDb();
  const bar = progressBar("train forecast");
  try {
    const daily = await loadDailySeries(db, paths, H + 7, cal);
    const intraday = await loadIntervalSeries(db, paths, minutes, H + 7, cal);
    const rowsIn = daily.names.length * daily.grid.n + intraday.names.length * intraday.grid.n;
    const dataEnd = dayIso(daily, daily.grid.n - 1);
    const hashes = forecastHashes(config, cal, daily, intraday);
    const plan = planRetrain(config, paths, "forecast", dataEnd, hashes);
    if (!plan.retrain) {
      const loaded = await loadForecastVersion(paths, plan.serving.version).catch((err: Error) => { log.warn({ err: err.message }, `forecast: serving ${plan.serving.version} cannot be loaded; retraining`); return null; });
      const served = loaded ? servingOf(loaded) : null;
      if (loaded && !served) log.warn({ version: loaded.version }, "forecast: the serving version stores no reconciliation dispersions; retraining");
      if (served) return await scoreOnly(db, paths, config, cal, { daily, intraday }, served, plan, rowsIn).finally(() => { for (const f of [loaded!.daily, loaded!.interval]) f.model.dispose(); });
      for (const f of loaded ? [loaded.daily, loaded.interval] : []) f.model.dispose();
    }
    const run = runJoint(daily, intraday, H, holdout, engine, (k) => bar.update(k, 6));
    bar.stop();
    const metrics = headline(run.metrics.daily, run.metrics.interval, daily.holidaySource);
    log.debug({ mase: metrics.mase, naiveMase: metrics.naiveMase, intervalMase: metrics.intervalMase, intervalNaiveMase: metrics.intervalNaiveMase }, "forecast: backtested"); // the CLI prints these once

    // Registry: compare with the serving model on the same backtest when it never saw that window.
    const version = newVersion(paths, "forecast");
    const score = { metric: "backtest MASE of the coherent forecast (mean of daily and intraday)", value: (metrics.mase + metrics.intervalMase) / 2, higherIsBetter: false };
    const serving = servingEntry(paths, "forecast");
    const sameQuestion = serving !== null && serving.configHash === hashes.configHash && serving.featureHash === hashes.featureHash;
    let incumbent: LoadedForecast | null = null;
    if (sameQuestion) {
      incumbent = await loadForecastVersion(paths, serving.version).catch((err) => {
        log.warn({ err: String(err), version: serving.version }, "forecast: the serving model cannot be loaded; the candidate will replace it");
        return null;
      });
    }
    const incumbentNow = incumbent ? incumbentScore(incumbent, run) : null;
    const decision = sameQuestion && !incumbent
      ? { promote: true, reason: `serving ${serving!.version} cannot be loaded`, incumbent: null }
      : decide({ score, ...hashes }, serving, incumbentNow);

    const trainingWindow = {
      daily: windowDays(run.daily), interval: windowDays(run.intra),
      forecast: { from: dataEnd, days: H }, dataEnd,
    };
    const meta: ForecastMeta = {
      kind: "forecast", intervalMinutes: minutes,
      parts: { daily: partMeta(run.final.daily, run.daily, run.finalIntervals.daily, run.phi.daily), interval: partMeta(run.final.intra, run.intra, run.finalIntervals.intra, run.phi.intra, run.phi.intraDay) },
    };
    const saved = !decision.promote ? null : await saveModelVersion(paths, "forecast", version, { daily: run.final.daily.model, interval: run.final.intra.model }, meta as unknown as Record<string, unknown>, {
      model: "forecast",
      kind: "direct multi-horizon ridge regressions (tfjs) on log(1 + y) relative to a seasonal base, daily and intraday, reconciled into one coherent forecast (WLS across lines, proportional across the day); empirical intervals from the reconciled forecast's out-of-sample errors",
      metrics, score, decision, trainingWindow, ...hashes, backend, seed,
      rows: { dailySeries: daily.names.length, intervalSeries: intraday.names.length, dailyTrain: run.final.daily.nTrain, intervalTrain: run.final.intra.nTrain },
      seconds: (performance.now() - started) / 1000, createdAt: new Date().toISOString(),
    });
    const entry: RegistryEntry = recordVersion(paths, "forecast", { version, createdAt: new Date().toISOString(), score, trainingWindow, ...hashes, metrics }, decision, registryConfig(config).keep);
    log.debug({ version, status: entry.status, reason: entry.reason }, "forecast: registry decision");

    // Serve: the candidate if promoted, else the serving model, forecasting from today's data.
    const candidate: Serving = { version, models: { daily: run.final.daily, intra: run.final.intra }, iv: run.finalIntervals, phi: run.phi };
    const use = decision.promote || !incumbent ? candidate : servingOf(incumbent, run.phi)!;
    // The backtest's forecasts seed the snapshots (a run's own forecast wins).
    const seeds = run.backtestPaths.map((p) => ({ originDay: p.originDay, paths: p.daily, source: "backtest" as const, version, lastDay: daily.grid.n - 1 }));
    const out = await serveForecast(db, paths, config, cal, { daily, intraday, grains: run }, use, seeds);
    for (const f of [run.final.daily, run.final.intra]) f.model.dispose();
    if (incumbent) for (const f of [incumbent.daily, incumbent.interval]) f.model.dispose();
    return {
      version, serving: use.version, promoted: decision.promote, reason: decision.reason, metrics, staffing: out.staffing,
      outputs: [...out.outputs, ...(saved?.files ?? []), `${paths.models}/forecast/registry.json`],
      rowsIn, rowsOut: out.rows, trained: true, nextRetrain: null,
    };
  } finally {
    bar.stop();
    db.close();
  }
}

/** A night the schedule does not retrain: the serving version forecasts from the newest data; no backtest, no refit, no registry entry. */
async function scoreOnly(
  db: Db, paths: Paths, config: Config, cal: BusinessCalendar, data: { daily: SeriesBundle; intraday: SeriesBundle },
  served: Serving, plan: Extract<RetrainPlan, { retrain: false }>, rowsIn: number,
): Promise<ForecastResult> {
  const { horizonDays: H, holdoutDays: holdout } = config.models.forecast;
  const out = await serveForecast(db, paths, config, cal, { ...data, grains: grains(data.daily, data.intraday, H, holdout) }, served);
  log.info({ serving: served.version, nextRetrain: plan.nextDue }, "forecast: forecast with the serving version (no retrain due)");
  return {
    version: served.version, serving: served.version, promoted: false, reason: plan.reason, metrics: plan.serving.metrics as ForecastHeadline,
    staffing: out.staffing, outputs: out.outputs, rowsIn, rowsOut: out.rows, trained: false, nextRetrain: plan.nextDue,
  };
}

/** The serving model's backtest score on the candidate's origins, if it never saw them; else null. */
function incumbentScore(inc: LoadedForecast, run: JointRun): number | null {
  const holdoutStart = dayIso(run.daily.b, run.daily.w.E + 1);
  if (inc.meta.parts.daily.lastTrainingDay >= holdoutStart || inc.meta.parts.interval.lastTrainingDay >= holdoutStart) return null;
  const bt = backtest({ daily: inc.daily, intra: inc.interval }, run.daily, run.intra, run.groups, run.phi, run.holdoutIntervals);
  return (bt.metrics.daily.mase + bt.metrics.interval.mase) / 2;
}

function windowDays(grain: Grain) {
  const b: SeriesBundle = grain.b;
  const w = grain.w;
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
