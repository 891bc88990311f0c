/**
 * A forecast model version on disk: two parts (daily/, interval/), each a tfjs model with what it
 * needs to serve — feature names, input scaler, horizon, the series it knows, and the interval
 * model of its out-of-sample residuals.
 */
import type { Paths } from "../../pipelines/core/paths.ts";
import { configHash, loadModelVersion } from "../shared/modelStore.ts";
import type { Scaler } from "../shared/ridge.ts";
import type { SeriesBundle } from "../shared/series.ts";
import type { Grain } from "./backtest.ts";
import type { Fitted } from "./engine.ts";
import type { IntervalModel } from "./intervals.ts";

export type PartMeta = {
  features: string[];
  scaler: Scaler;
  H: number;
  /** Last training target as a day (YYYY-MM-DD): the model has seen data up to the end of it. */
  lastTrainingDay: string;
  slotsPerDay: number;
  names: string[];
  /** Prediction intervals of the reconciled forecast, from its out-of-sample errors. */
  intervals: IntervalModel;
  nTrain: number;
  /** Per series, the base forecast's out-of-sample squared error per unit forecast (reconciliation weights). */
  dispersion?: number[];
  /** Intraday part: the same for its day sums. */
  dayDispersion?: number[];
};

export type ForecastMeta = { kind: "forecast"; intervalMinutes: number; parts: { daily: PartMeta; interval: PartMeta } };

export const dayIso = (b: SeriesBundle, index: number) => new Date((b.firstDay + b.grid.dayOf[index]!) * 86_400_000).toISOString().slice(0, 10);

export function partMeta(final: Fitted, grain: Grain, intervals: IntervalModel, dispersion: number[], dayDispersion?: number[]): PartMeta {
  const b = grain.b;
  return {
    features: final.features, scaler: final.scaler, H: final.H,
    lastTrainingDay: dayIso(b, final.lastTarget), slotsPerDay: b.grid.S, names: b.names,
    intervals, nTrain: final.nTrain, dispersion, ...(dayDispersion ? { dayDispersion } : {}),
  };
}

/** What must match for a saved model to read today's data: series, features, layout. */
export function featureHash(daily: { features: string[]; names: string[]; S: number }, interval: { features: string[]; names: string[]; S: number }): string {
  return configHash({ daily, interval });
}

export type LoadedForecast = { version: string; meta: ForecastMeta; daily: Fitted; interval: Fitted };

export async function loadForecastVersion(paths: Paths, version: string): Promise<LoadedForecast> {
  const v = await loadModelVersion<ForecastMeta>(paths, "forecast", version);
  if (v.metadata.kind !== "forecast" || !v.parts.daily || !v.parts.interval) throw new Error(`${v.dir} is not a forecast model version`);
  const fitted = (part: "daily" | "interval"): Fitted => {
    const m = v.metadata.parts[part];
    return { model: v.parts[part]!, scaler: m.scaler, features: m.features, H: m.H, lastTarget: -1, nTrain: m.nTrain };
  };
  return { version, meta: v.metadata, daily: fitted("daily"), interval: fitted("interval") };
}
