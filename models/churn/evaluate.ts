/** Churn evaluation: ranking, probability and calibration metrics, and Platt scaling. */

export type CalibrationBin = { bin: number; lower: number; upper: number; n: number; meanPredicted: number | null; observedRate: number | null };

export type ChurnMetrics = {
  rocAuc: number | null;
  prAuc: number | null;
  /** Brier score of calibrated probabilities, and of the model before Platt scaling. */
  brier: number;
  brierUncalibrated: number;
  logLoss: number;
  logLossUncalibrated: number;
  /** Positive rate among the top 10% by score ÷ base rate. */
  liftTopDecile: number | null;
  baseRate: number;
  nTrain: number;
  nCalibration: number;
  nTest: number;
  /** 10 equal-width bins of calibrated probability on the test window. */
  calibration: CalibrationBin[];
  platt: { a: number; b: number };
  labelWindowDays: number;
  trainSnapshots: [string, string];
  calibrationSnapshots: [string, string];
  /** The served model's training snapshots: every one labelled before the test window (the chosen candidate refitted). */
  servedTrainSnapshots: [string, string];
  testSnapshots: [string, string];
  /** The candidate served, chosen on the validation (calibration) snapshots. */
  selected: string;
};

const EPS = 1e-7;
const clip = (p: number) => Math.min(1 - EPS, Math.max(EPS, p));

/** ROC AUC via the rank-sum (Mann–Whitney) statistic, ties averaged; null if one class is absent. */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number | null {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]!] === p[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]!] === 1) { nPos++; rankSum += avgRank; }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Average precision (area under the precision–recall step curve), tied scores grouped. */
export function prAuc(y: ArrayLike<number>, p: ArrayLike<number>): number | null {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]!);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) nPos++;
  if (nPos === 0) return null;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]!] === p[idx[i]!]) j++;
    let tpGroup = 0;
    for (let k = i; k <= j; k++) if (y[idx[k]!] === 1) tpGroup++;
    tp += tpGroup;
    seen += j - i + 1;
    ap += (tpGroup / nPos) * (tp / seen);
    i = j + 1;
  }
  return ap;
}

export function brier(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
  return y.length ? s / y.length : NaN;
}

export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = clip(p[i]!);
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return y.length ? s / y.length : NaN;
}

export function baseRate(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  return y.length ? s / y.length : NaN;
}

/** Positive rate in the top 10% by score (ties broken by position) ÷ overall rate. */
export function liftTopDecile(y: ArrayLike<number>, p: ArrayLike<number>): number | null {
  const n = y.length;
  const rate = baseRate(y);
  if (!n || !(rate > 0)) return null;
  const k = Math.max(1, Math.ceil(n * 0.1));
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  let hits = 0;
  for (let i = 0; i < k; i++) hits += y[idx[i]!]!;
  return hits / k / rate;
}

export function calibrationTable(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const n = new Array<number>(bins).fill(0);
  const sp = new Array<number>(bins).fill(0);
  const sy = new Array<number>(bins).fill(0);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    n[b]!++;
    sp[b]! += p[i]!;
    sy[b]! += y[i]!;
  }
  return n.map((k, b) => ({
    bin: b + 1,
    lower: b / bins,
    upper: (b + 1) / bins,
    n: k,
    meanPredicted: k ? sp[b]! / k : null,
    observedRate: k ? sy[b]! / k : null,
  }));
}

export const logit = (p: number) => Math.log(clip(p)) - Math.log(1 - clip(p));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Platt scaling: p = σ(a·s + b) fitted by Newton's method on scores s (logits of the raw
 * model), with Platt's smoothed targets to avoid overconfidence on small slices.
 */
export function fitPlatt(s: ArrayLike<number>, y: ArrayLike<number>): { a: number; b: number } {
  let nPos = 0;
  for (let i = 0; i < y.length; i++) nPos += y[i]!;
  const nNeg = y.length - nPos;
  const tPos = (nPos + 1) / (nPos + 2);
  const tNeg = 1 / (nNeg + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g1 = 0, g2 = 0, h11 = 1e-9, h22 = 1e-9, h12 = 0;
    for (let i = 0; i < y.length; i++) {
      const t = y[i] === 1 ? tPos : tNeg;
      const q = sigmoid(a * s[i]! + b);
      const d = q - t;
      const w = q * (1 - q);
      g1 += d * s[i]!;
      g2 += d;
      h11 += w * s[i]! * s[i]!;
      h22 += w;
      h12 += w * s[i]!;
    }
    const det = h11 * h22 - h12 * h12;
    if (!(Math.abs(det) > 1e-15)) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

export function applyPlatt(p: ArrayLike<number>, platt: { a: number; b: number }): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = sigmoid(platt.a * logit(p[i]!) + platt.b);
  return out;
}

/**
 * Isotonic calibration: the non-decreasing step function of the raw score that fits the labels
 * best in squared error (pool-adjacent-violators), as knots (score, rate) — one per pooled block at
 * the block's mean score — linearly interpolated between knots (so a strict ranking mostly stays
 * strict) and flat beyond the end knots; rates kept within [1/(2n), 1 − 1/(2n)].
 * Applied, the map is blended with a weight of ISOTONIC_TIE_BREAK with the raw probability itself,
 * so it is strictly increasing: rows the step function would tie (beyond the end knots, or between
 * knots clipped to the same rate) keep the model's order. Ties would average ranks across positives
 * and negatives and lower ROC AUC for no gain; the blend moves a probability by at most 10⁻⁶.
 */
export const ISOTONIC_TIE_BREAK = 1e-6;

export type Isotonic = { x: number[]; y: number[] };

export function fitIsotonic(s: ArrayLike<number>, y: ArrayLike<number>): Isotonic {
  const n = s.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a]! - s[b]!);
  const sx: number[] = [];
  const sy: number[] = [];
  const w: number[] = [];
  for (const i of idx) {
    sx.push(s[i]!);
    sy.push(y[i]!);
    w.push(1);
    while (sy.length > 1 && sy[sy.length - 2]! / w[w.length - 2]! >= sy[sy.length - 1]! / w[w.length - 1]!) {
      const k = sy.length - 1;
      sx[k - 1]! += sx[k]!;
      sy[k - 1]! += sy[k]!;
      w[k - 1]! += w[k]!;
      sx.pop(); sy.pop(); w.pop();
    }
  }
  const lo = 1 / (2 * Math.max(1, n));
  return { x: sx.map((v, k) => v / w[k]!), y: sy.map((v, k) => Math.min(1 - lo, Math.max(lo, v / w[k]!))) };
}

export function applyIsotonic(s: ArrayLike<number>, iso: Isotonic): Float64Array {
  const out = new Float64Array(s.length);
  const { x, y } = iso;
  const m = x.length;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (m === 0) { out[i] = 0.5; continue; }
    if (v <= x[0]!) { out[i] = y[0]!; continue; }
    if (v >= x[m - 1]!) { out[i] = y[m - 1]!; continue; }
    let lo = 0;
    let hi = m - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (x[mid]! <= v) lo = mid; else hi = mid; }
    const t = (v - x[lo]!) / (x[hi]! - x[lo]!);
    out[i] = y[lo]! + t * (y[hi]! - y[lo]!);
  }
  for (let i = 0; i < s.length; i++) out[i] = (1 - ISOTONIC_TIE_BREAK) * out[i]! + ISOTONIC_TIE_BREAK * sigmoid(s[i]!);
  return out;
}

/** A fitted calibration map of raw probabilities: Platt (on their logits) or isotonic (on their logits). */
export type Calibrator = { method: "platt"; a: number; b: number } | ({ method: "isotonic" } & Isotonic);

export function fitCalibrator(method: Calibrator["method"], p: ArrayLike<number>, y: ArrayLike<number>): Calibrator {
  const s = Float64Array.from(p as ArrayLike<number>, logit);
  return method === "platt" ? { method, ...fitPlatt(s, y) } : { method, ...fitIsotonic(s, y) };
}

export function applyCalibrator(p: ArrayLike<number>, c: Calibrator): Float64Array {
  return c.method === "platt" ? applyPlatt(p, c) : applyIsotonic(Float64Array.from(p as ArrayLike<number>, logit), c);
}
