/** Forecasting from an origin, out-of-sample residual quantiles, the volume_forecast mart, the loader. */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { tf } from "../shared/tf.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import { loadModelVersion } from "../shared/modelStore.ts";
import { intervalQuantiles, toInterval, type IntervalQuantiles } from "./evaluate.ts";
import { buildRows, originTriples, type ForecastData, type Scaler } from "./features.ts";
import { predictLog } from "./train.ts";

export const FORECAST_MART = "volume_forecast";

export type ForecastPath = {
  /** Per series, h = 1…H. */
  logPred: Float64Array[];
  forecast: Float64Array[];
  lower80: Float64Array[];
  upper80: Float64Array[];
  lower95: Float64Array[];
  upper95: Float64Array[];
};

/** Forecast every series h = 1…H days after origin index o (features only use data ≤ o). */
export function forecastFrom(model: tf.LayersModel, scaler: Scaler, d: ForecastData, o: number, H: number, q: Record<string, IntervalQuantiles>): ForecastPath {
  const triples = originTriples(d, o, o, H, o + H);
  const logAll = predictLog(model, scaler, buildRows(d, triples));
  const S = d.names.length;
  const mk = () => Array.from({ length: S }, () => new Float64Array(H));
  const out: ForecastPath = { logPred: mk(), forecast: mk(), lower80: mk(), upper80: mk(), lower95: mk(), upper95: mk() };
  for (let r = 0; r < triples.s.length; r++) {
    const s = triples.s[r]!;
    const h = triples.t[r]! - o;
    const iv = toInterval(logAll[r]!, q[d.names[s]!]!);
    out.logPred[s]![h - 1] = logAll[r]!;
    out.forecast[s]![h - 1] = iv.forecast;
    out.lower80[s]![h - 1] = iv.lower80;
    out.upper80[s]![h - 1] = iv.upper80;
    out.lower95[s]![h - 1] = iv.lower95;
    out.upper95[s]![h - 1] = iv.upper95;
  }
  return out;
}

/**
 * Out-of-sample log residuals per series: the model (trained on targets < oFrom + 1) forecasts
 * from every origin oFrom…oTo, horizons 1…H, up to lastObserved; residual = log1p(y) − prediction.
 */
export function residualQuantiles(model: tf.LayersModel, scaler: Scaler, d: ForecastData, oFrom: number, oTo: number, H: number, lastObserved: number): Record<string, IntervalQuantiles> {
  const triples = originTriples(d, oFrom, oTo, H, lastObserved);
  const pred = predictLog(model, scaler, buildRows(d, triples));
  const bySeries = d.names.map(() => [] as number[]);
  for (let r = 0; r < triples.s.length; r++) {
    const s = triples.s[r]!;
    bySeries[s]!.push(d.ly[s]![triples.t[r]!]! - pred[r]!);
  }
  return Object.fromEntries(d.names.map((n, s) => [n, intervalQuantiles(bySeries[s]!)]));
}

export async function writeVolumeForecast(db: Db, paths: Paths, d: ForecastData, origin: number, H: number, f: ForecastPath, version: string): Promise<{ path: string; rows: number }> {
  const date: number[] = [];
  const line: string[] = [];
  const cols = { forecast: [] as number[], lower80: [] as number[], upper80: [] as number[], lower95: [] as number[], upper95: [] as number[] };
  d.names.forEach((name, s) => {
    for (let h = 1; h <= H; h++) {
      date.push(d.start + origin + h);
      line.push(name);
      for (const k of Object.keys(cols) as (keyof typeof cols)[]) cols[k].push(f[k][s]![h - 1]!);
    }
  });
  await loadTable(db, "forecast_rows", [
    { name: "date", type: "DATE", values: date },
    { name: "line", type: "VARCHAR", values: line },
    ...(Object.keys(cols) as (keyof typeof cols)[]).map((k) => ({ name: k, type: "DOUBLE" as const, values: cols[k] })),
  ]);
  return writeMart(db, paths, FORECAST_MART, `
    SELECT date, line, 'call'::VARCHAR AS channel, forecast, lower80, upper80, lower95, upper95,
           '${version.replaceAll("'", "''")}'::VARCHAR AS model_version
    FROM forecast_rows ORDER BY line, date`);
}

export type ForecastModelMetadata = {
  kind: "forecast";
  names: string[];
  start: string;
  lastObserved: string;
  featureNames: string[];
  scaler: Scaler;
  quantiles: Record<string, IntervalQuantiles>;
  hMax: number;
  seed: number;
};

/** Load a saved forecast model (default: latest) with a forecaster over freshly loaded series. */
export async function loadForecastModel(paths: Paths, version?: string) {
  const loaded = await loadModelVersion<ForecastModelMetadata>(paths, "forecast", version);
  if (loaded.metadata?.kind !== "forecast") throw new Error(`${loaded.dir} is not a forecast model`);
  const meta = loaded.metadata;
  return {
    ...loaded,
    /** Forecast from origin index o of `d` (its series names must match the model's). */
    forecast: (d: ForecastData, o: number, H: number) => {
      if (d.names.join("|") !== meta.names.join("|")) throw new Error(`series ${d.names.join(", ")} do not match the model's ${meta.names.join(", ")}`);
      return forecastFrom(loaded.model, meta.scaler, d, o, H, meta.quantiles);
    },
  };
}
