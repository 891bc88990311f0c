/**
 * trainForecast: daily incoming-call forecasts per line and 'All', written to `volume_forecast`.
 *
 * Day offsets: the data end at T; the holdout is the last `holdoutDays` days (origin E = T − holdout),
 * and a validation slice of the same length precedes it (origin V = E − holdout).
 *   model A — trained on targets ≤ V; its rolling-origin residuals over (V, E] give the
 *             interval quantiles used to score the holdout (coverage);
 *   model B — trained on targets ≤ E; forecasts the holdout from E (MASE, sMAPE vs seasonal
 *             naive); its rolling-origin residuals over (E, T] give the final intervals;
 *   model C — refit on all data; forecasts horizonDays after T → the mart and the saved model.
 */
import type { Config } from "../../pipelines/core/config.ts";
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { daysToIso } from "../shared/dates.ts";
import { configHash, newVersion, saveModelVersion } from "../shared/modelStore.ts";
import { initTf } from "../shared/tf.ts";
import { coverage, mae, maseScale, seasonalNaive, smape, type ForecastMetrics, type SeriesMetrics } from "./evaluate.ts";
import { featureNames, minOrigin, withLogs } from "./features.ts";
import { forecastFrom, residualQuantiles, writeVolumeForecast, type ForecastModelMetadata } from "./predict.ts";
import { loadSeries } from "./series.ts";
import { DEFAULT_HIDDEN, DEFAULT_L2, DEFAULT_LEARNING_RATE, trainForecastModel, type ForecastTrainOptions } from "./train.ts";

export type { ForecastMetrics, SeriesMetrics } from "./evaluate.ts";
export { loadForecastModel } from "./predict.ts";

export type ForecastResult = { version: string; metrics: ForecastMetrics; outputs: string[]; rowsIn: number; rowsOut: number };

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

export async function trainForecast(config: Config): Promise<ForecastResult> {
  const started = performance.now();
  const backend = await initTf();
  const paths = lakePaths(config);
  const { horizonDays: H, holdoutDays: Hd, epochs, seed } = config.models.forecast;
  const opts: ForecastTrainOptions = { epochs, seed, hMax: Math.max(H, Hd), hidden: DEFAULT_HIDDEN, l2: DEFAULT_L2, learningRate: DEFAULT_LEARNING_RATE };
  const db = await openDb();
  try {
    const d = withLogs(await loadSeries(db, paths, H));
    const T = d.length - 1;
    const E = T - Hd;
    const V = E - Hd;
    const needed = minOrigin() + 8 * 7;
    if (V < needed) {
      throw new Error(`forecast: ${d.length} days of data; need at least ${needed + 2 * Hd + 1} (history + validation + ${Hd}-day holdout)`);
    }
    const rowsIn = d.length * (d.names.length - 1);

    // Model A → interval quantiles for the holdout.
    const a = await trainForecastModel(d, V, opts);
    const qHoldout = residualQuantiles(a.model, a.scaler, d, V, E - 1, Hd, E);
    a.model.dispose();

    // Model B → holdout accuracy and coverage; residuals over the holdout → final intervals.
    const b = await trainForecastModel(d, E, opts);
    const path = forecastFrom(b.model, b.scaler, d, E, Hd, qHoldout);
    const series: Record<string, SeriesMetrics> = {};
    d.names.forEach((name, s) => {
      const y = d.y[s]!.subarray(E + 1, T + 1);
      const naive = seasonalNaive(d.y[s]!, E, Hd);
      const sc = maseScale(d.y[s]!, 0, E);
      const m = mae(y, path.forecast[s]!);
      const nm = mae(y, naive);
      const denom = sc > 0 ? sc : 1;
      series[name] = {
        mase: m / denom, smape: smape(y, path.forecast[s]!), mae: m,
        naiveMase: nm / denom, naiveSmape: smape(y, naive), naiveMae: nm,
        scale: sc,
        coverage80: coverage(y, path.lower80[s]!, path.upper80[s]!),
        coverage95: coverage(y, path.lower95[s]!, path.upper95[s]!),
        beatsNaive: m < nm,
      };
    });
    const qFinal = residualQuantiles(b.model, b.scaler, d, E, T - 1, H, T);
    b.model.dispose();
    const all = Object.values(series);
    const metrics: ForecastMetrics = {
      mase: mean(all.map((s) => s.mase)),
      naiveMase: mean(all.map((s) => s.naiveMase)),
      smape: mean(all.map((s) => s.smape)),
      naiveSmape: mean(all.map((s) => s.naiveSmape)),
      coverage80: mean(all.map((s) => s.coverage80)),
      coverage95: mean(all.map((s) => s.coverage95)),
      beatsNaive: mean(all.map((s) => s.mase)) < mean(all.map((s) => s.naiveMase)),
      series,
      holdoutDays: Hd,
      horizonDays: H,
      validationDays: Hd,
      trainStart: daysToIso(d.start),
      trainEnd: daysToIso(d.start + E),
      holdoutStart: daysToIso(d.start + E + 1),
      holdoutEnd: daysToIso(d.start + T),
      nTrain: b.nTrain,
      holidaySource: d.holidaySource,
    };
    log.info({ mase: metrics.mase, naiveMase: metrics.naiveMase, coverage80: metrics.coverage80, coverage95: metrics.coverage95 }, "forecast: evaluated on the holdout");
    if (!metrics.beatsNaive) log.warn({ mase: metrics.mase, naiveMase: metrics.naiveMase }, "forecast: the model does not beat seasonal naive on the holdout");

    // Model C → the forecast.
    const c = await trainForecastModel(d, T, opts);
    const future = forecastFrom(c.model, c.scaler, d, T, H, qFinal);
    const version = newVersion(paths, "forecast");
    const mart = await writeVolumeForecast(db, paths, d, T, H, future, version);
    const seconds = (performance.now() - started) / 1000;
    const metadata: ForecastModelMetadata = {
      kind: "forecast", names: d.names, start: daysToIso(d.start), lastObserved: daysToIso(d.start + T),
      featureNames: featureNames(d.names), scaler: c.scaler, quantiles: qFinal, hMax: opts.hMax, seed,
    };
    const saved = await saveModelVersion(paths, "forecast", version, c.model, metadata as unknown as Record<string, unknown>, {
      model: "forecast",
      kind: "direct multi-horizon network (tfjs: linear + 16-unit ReLU path) on log1p(y) − seasonal base",
      metrics,
      trainingWindow: {
        evaluation: { train: [metrics.trainStart, metrics.trainEnd], holdout: [metrics.holdoutStart, metrics.holdoutEnd] },
        validation: [daysToIso(d.start + V + 1), daysToIso(d.start + E)],
        final: { train: [daysToIso(d.start), daysToIso(d.start + T)], forecast: [daysToIso(d.start + T + 1), daysToIso(d.start + T + H)] },
      },
      rows: { in: rowsIn, seriesDays: d.length, series: d.names, trainA: a.nTrain, trainB: b.nTrain, trainFinal: c.nTrain, out: mart.rows },
      intervalQuantiles: { holdout: qHoldout, final: qFinal },
      configHash: configHash(config.models.forecast),
      backend,
      epochs,
      seed,
      seconds,
      createdAt: new Date().toISOString(),
    });
    c.model.dispose();
    log.info({ version, rowsIn, rowsOut: mart.rows, seconds: Math.round(seconds * 10) / 10 }, "forecast: trained and written");
    return { version, metrics, outputs: [mart.path, ...saved.files], rowsIn, rowsOut: mart.rows };
  } finally {
    db.close();
  }
}
