/**
 * Prediction intervals from out-of-sample residuals on the log scale, conditional on the level
 * of the prediction: counts near zero scatter far more in log(1 + y) than busy intervals do, so
 * residuals are grouped into equal-count bins of the predicted value, each with its own 2.5%,
 * 10%, 90% and 97.5% quantiles (widened to contain 0, so the point forecast is always inside).
 */
export type Quantiles = { q025: number; q10: number; q90: number; q975: number };
export type IntervalModel = { edges: number[]; bins: Quantiles[]; n: number };

/** Residuals per bin, at least this many. */
const MIN_PER_BIN = 1500;
const MAX_BINS = 6;

/** Linear-interpolated sample quantile (type 7) of a sorted array. */
export function sortedQuantile(a: Float64Array, q: number): number {
  if (a.length === 0) return NaN;
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(a.length - 1, lo + 1);
  return a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return sortedQuantile(Float64Array.from(values).sort(), q);
}

function quantiles(res: Float64Array): Quantiles {
  const a = Float64Array.from(res).sort();
  return {
    q025: Math.min(0, sortedQuantile(a, 0.025)),
    q10: Math.min(0, sortedQuantile(a, 0.1)),
    q90: Math.max(0, sortedQuantile(a, 0.9)),
    q975: Math.max(0, sortedQuantile(a, 0.975)),
  };
}

export function fitIntervals(pred: Float64Array, res: Float64Array): IntervalModel {
  const n = pred.length;
  if (n === 0) throw new Error("forecast: no residuals to build intervals from");
  const nb = Math.max(1, Math.min(MAX_BINS, Math.floor(n / MIN_PER_BIN)));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pred[a]! - pred[b]!);
  const edges: number[] = [];
  const bins: Quantiles[] = [];
  for (let b = 0; b < nb; b++) {
    const from = Math.floor((b * n) / nb);
    const to = Math.floor(((b + 1) * n) / nb);
    bins.push(quantiles(Float64Array.from(order.slice(from, to), (i) => res[i]!)));
    if (b < nb - 1) edges.push(pred[order[to]!]!);
  }
  return { edges, bins, n };
}

export function binOf(iv: IntervalModel, pred: number): Quantiles {
  let b = 0;
  while (b < iv.edges.length && pred >= iv.edges[b]!) b++;
  return iv.bins[b]!;
}

/** Point forecast and nested 80%/95% bounds on the original scale from a log-scale prediction. */
export function toBounds(logPred: number, iv: IntervalModel): { forecast: number; lower80: number; upper80: number; lower95: number; upper95: number } {
  const q = binOf(iv, logPred);
  const back = (v: number) => Math.max(0, Math.expm1(v));
  return {
    forecast: back(logPred),
    lower80: back(logPred + q.q10),
    upper80: back(logPred + q.q90),
    lower95: back(logPred + q.q025),
    upper95: back(logPred + q.q975),
  };
}
