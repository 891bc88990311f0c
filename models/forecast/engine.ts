/**
 * The forecaster: a direct multi-horizon ridge regression (tfjs) on the features of design.ts,
 * trained on forecasts made at the end of each day (the moment a planner runs it) for targets
 * up to H points ahead, and empirical prediction intervals from out-of-sample residuals.
 */
import type { Grid } from "../shared/grid.ts";
import { fitRidge, applyScaler, type Scaler } from "../shared/ridge.ts";
import { mulberry32 } from "../shared/rng.ts";
import type { Path } from "../shared/series.ts";
import { predictColumn } from "../shared/train.ts";
import { tf } from "../shared/tf.ts";
import { buildDesign, featureNames, type Rows, type SeriesData } from "./design.ts";
import { fitIntervals, toBounds, type IntervalModel } from "./intervals.ts";

export type EngineOptions = {
  /** Longest horizon, in points. */
  H: number;
  /** Ridge penalty per row on standardised weights. */
  lambda: number;
  seed: number;
  /** Cap on training rows (sampled, seeded). */
  maxRows: number;
};

export const DEFAULT_LAMBDA = 1e-3;
export const DEFAULT_MAX_ROWS = 160_000;

export type Fitted = { model: tf.LayersModel; scaler: Scaler; features: string[]; H: number; lastTarget: number; nTrain: number };

/** Day-end origins (last index of each day) from day ordinal `fromDay`, strictly before `before`. */
export function dayEndOrigins(g: Grid, fromDay: number, before: number): number[] {
  const out: number[] = [];
  for (let d = Math.max(0, fromDay); (d + 1) * g.S - 1 < before; d++) out.push((d + 1) * g.S - 1);
  return out;
}

/** First day ordinal with enough history for the features (4 cycles + a margin). */
export function minTrainDay(g: Grid): number {
  return Math.min(Math.max(4 * g.C + 2, 14), Math.floor((g.n / g.S) * 0.4));
}

/** Training rows: every series, origins at day ends, targets sampled in (o, min(o + H, lastTarget)]. */
export function trainingRows(g: Grid, d: SeriesData, lastTarget: number, opts: EngineOptions): Rows {
  const origins = dayEndOrigins(g, minTrainDay(g), lastTarget);
  const S = d.names.length;
  let pairs = 0;
  for (const o of origins) pairs += Math.min(opts.H, lastTarget - o) * S;
  const keep = Math.min(1, opts.maxRows / Math.max(1, pairs));
  const rng = mulberry32(opts.seed);
  const s: number[] = [];
  const os: number[] = [];
  const t: number[] = [];
  for (const o of origins) {
    const last = Math.min(o + opts.H, lastTarget);
    for (let k = 0; k < S; k++) {
      for (let u = o + 1; u <= last; u++) {
        if (keep < 1 && rng() >= keep) continue;
        s.push(k); os.push(o); t.push(u);
      }
    }
  }
  return { s: Int32Array.from(s), o: Int32Array.from(os), t: Int32Array.from(t) };
}

/** Fit on targets up to `lastTarget` (an index). */
export function fitEngine(g: Grid, d: SeriesData, lastTarget: number, opts: EngineOptions): Fitted {
  const rows = trainingRows(g, d, lastTarget, opts);
  if (rows.s.length < 50) throw new Error(`forecast: only ${rows.s.length} training rows up to point ${lastTarget}; the series is too short`);
  const design = buildDesign(g, d, rows, opts.H);
  const y = new Float32Array(design.n);
  for (let r = 0; r < design.n; r++) y[r] = d.z[rows.s[r]!]![rows.t[r]!]! - design.base[r]!;
  const ridge = fitRidge(design.x, y, design.n, design.p, opts.lambda);
  return { model: ridge.model, scaler: ridge.scaler, features: featureNames(g, d.names), H: opts.H, lastTarget, nTrain: design.n };
}

/** Log-scale predictions for rows. */
export function predictLog(f: Fitted, g: Grid, d: SeriesData, rows: Rows): Float64Array {
  const design = buildDesign(g, d, rows, f.H);
  const out = predictColumn(f.model, applyScaler(design.x, design.n, design.p, f.scaler), design.n, design.p);
  for (let r = 0; r < design.n; r++) out[r] = design.closed[r] ? 0 : out[r]! + design.base[r]!;
  return out;
}

/** All (series, origin, target) with origins in `origins`, h = 1…H and target ≤ lastTarget. */
export function originRows(nSeries: number, origins: number[], H: number, lastTarget: number): Rows {
  const s: number[] = [];
  const os: number[] = [];
  const t: number[] = [];
  for (let k = 0; k < nSeries; k++) for (const o of origins) for (let u = o + 1; u <= Math.min(o + H, lastTarget); u++) { s.push(k); os.push(o); t.push(u); }
  return { s: Int32Array.from(s), o: Int32Array.from(os), t: Int32Array.from(t) };
}

/** Interval model from out-of-sample residuals of `f` over the given origins (targets ≤ lastObserved). */
export function residualIntervals(f: Fitted, g: Grid, d: SeriesData, origins: number[], lastObserved: number): IntervalModel {
  const rows = originRows(d.names.length, origins, f.H, lastObserved);
  const pred = predictLog(f, g, d, rows);
  const res = Float64Array.from(pred, (p, r) => d.z[rows.s[r]!]![rows.t[r]!]! - p);
  return fitIntervals(pred, res);
}

/** Forecast each series h = 1…H points after origin o (the grid must reach o + H). */
export function forecastFrom(f: Fitted, g: Grid, d: SeriesData, o: number, H: number, iv: IntervalModel): Path[] {
  if (o + H >= g.total) throw new Error(`forecast: the grid ends at ${g.total - 1}, before ${o + H}`);
  const rows = originRows(d.names.length, [o], H, o + H);
  const pred = predictLog(f, g, d, rows);
  const paths = d.names.map(() => ({
    forecast: new Float64Array(H), lower80: new Float64Array(H), upper80: new Float64Array(H), lower95: new Float64Array(H), upper95: new Float64Array(H),
  }));
  for (let r = 0; r < pred.length; r++) {
    const p = paths[rows.s[r]!]!;
    const h = rows.t[r]! - o - 1;
    const b = toBounds(pred[r]!, iv);
    p.forecast[h] = b.forecast; p.lower80[h] = b.lower80; p.upper80[h] = b.upper80; p.lower95[h] = b.lower95; p.upper95[h] = b.upper95;
  }
  return paths;
}

/** Point forecasts (interactions, ≥ 0) of each series h = 1…H points after origin o. */
export function forecastPoints(f: Fitted, g: Grid, d: SeriesData, o: number, H: number): Float64Array[] {
  if (o + H >= g.total) throw new Error(`forecast: the grid ends at ${g.total - 1}, before ${o + H}`);
  const rows = originRows(d.names.length, [o], H, o + H);
  const pred = predictLog(f, g, d, rows);
  const out = d.names.map(() => new Float64Array(H));
  for (let r = 0; r < pred.length; r++) out[rows.s[r]!]![rows.t[r]! - o - 1] = Math.max(0, Math.expm1(pred[r]!));
  return out;
}
