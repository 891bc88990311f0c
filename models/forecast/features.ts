/**
 * Forecast features for (series s, origin o, target day t = o + h), using only what is known
 * at the origin — so one model serves every horizon 1…H (direct multi-horizon, no recursion):
 *   series one-hot, day-of-week one-hot (t), holiday flag (t), trend (t, years since start),
 *   horizon h/28, lag-7 = log1p(y) on the most recent same weekday at or before o (t − 7k,
 *   k = ⌈h/7⌉) and lag-14 = the one before (t − 7(k+1)), whether those were holidays,
 *   the 28-day level (mean log1p(y) over o−27…o), the 7-day level, and a seasonal base: the mean
 *   of the last 4 same-weekday values (holidays skipped).
 * The network predicts log1p(y_t) − base; inputs are z-scored with training statistics.
 */
import { isoDow } from "../shared/dates.ts";
import { mulberry32, randInt } from "../shared/rng.ts";
import type { SeriesSet } from "./series.ts";

export const SEASONAL_WEEKS = 4;
export const LEVEL_DAYS = 28;

export type ForecastData = SeriesSet & { ly: Float64Array[] };

export function withLogs(s: SeriesSet): ForecastData {
  return { ...s, ly: s.y.map((a) => Float64Array.from(a, (v) => Math.log1p(Math.max(0, v)))) };
}

export function featureNames(names: string[]): string[] {
  return [
    ...names.map((n) => `series=${n}`),
    ...["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => `dow=${d}`),
    "holiday", "trend_years", "horizon", "lag7", "lag14", "lag7_holiday", "lag14_holiday",
    "level28", "level7", "seasonal_base",
  ];
}

/** Earliest origin index with enough history for any horizon ≤ hMax. */
export function minOrigin(): number {
  return Math.max(LEVEL_DAYS - 1, 7 * (SEASONAL_WEEKS + 1));
}

/**
 * Write the raw (unstandardised) features of one (s, o, t) into out[offset…]; returns the
 * seasonal base (the prediction offset on the log scale).
 */
export function writeRow(d: ForecastData, s: number, o: number, t: number, out: Float32Array, offset: number): number {
  const S = d.names.length;
  const ly = d.ly[s]!;
  const h = t - o;
  const k = Math.ceil(h / 7);
  const i7 = t - 7 * k;
  const i14 = t - 7 * (k + 1);
  let lvl28 = 0;
  for (let i = o - LEVEL_DAYS + 1; i <= o; i++) lvl28 += ly[i]!;
  lvl28 /= LEVEL_DAYS;
  let lvl7 = 0;
  for (let i = o - 6; i <= o; i++) lvl7 += ly[i]!;
  lvl7 /= 7;
  let sum = 0, cnt = 0, sumAll = 0;
  for (let j = 0; j < SEASONAL_WEEKS; j++) {
    const i = t - 7 * (k + j);
    sumAll += ly[i]!;
    if (!d.holiday[i]) { sum += ly[i]!; cnt++; }
  }
  const base = cnt ? sum / cnt : sumAll / SEASONAL_WEEKS;
  let c = offset;
  for (let j = 0; j < S; j++) out[c++] = j === s ? 1 : 0;
  const dow = isoDow(d.start + t);
  for (let j = 0; j < 7; j++) out[c++] = j === dow ? 1 : 0;
  out[c++] = d.holiday[t]!;
  out[c++] = t / 365;
  out[c++] = h / 28;
  out[c++] = ly[i7]!;
  out[c++] = ly[i14]!;
  out[c++] = d.holiday[i7]!;
  out[c++] = d.holiday[i14]!;
  out[c++] = lvl28;
  out[c++] = lvl7;
  out[c++] = base;
  return base;
}

export type Design = { x: Float32Array; base: Float64Array; n: number; p: number; series: Int32Array; origin: Int32Array; target: Int32Array };

/** Rows for explicit (s, o, t) triples. */
export function buildRows(d: ForecastData, triples: { s: number[]; o: number[]; t: number[] }): Design {
  const p = featureNames(d.names).length;
  const n = triples.s.length;
  const x = new Float32Array(n * p);
  const base = new Float64Array(n);
  for (let r = 0; r < n; r++) base[r] = writeRow(d, triples.s[r]!, triples.o[r]!, triples.t[r]!, x, r * p);
  return { x, base, n, p, series: Int32Array.from(triples.s), origin: Int32Array.from(triples.o), target: Int32Array.from(triples.t) };
}

/**
 * Training rows: every series and target day t ≤ lastTarget, once per week band of horizon
 * (k = 1…⌈hMax/7⌉) with h drawn (seeded) inside the band.
 */
export function trainingTriples(d: ForecastData, lastTarget: number, hMax: number, seed: number): { s: number[]; o: number[]; t: number[] } {
  const rng = mulberry32(seed);
  const out = { s: [] as number[], o: [] as number[], t: [] as number[] };
  const K = Math.ceil(hMax / 7);
  for (let s = 0; s < d.names.length; s++) {
    for (let t = 0; t <= lastTarget; t++) {
      for (let k = 1; k <= K; k++) {
        const h = randInt(rng, 7 * (k - 1) + 1, Math.min(7 * k, hMax));
        const o = t - h;
        if (o < minOrigin() || t - 7 * (k + SEASONAL_WEEKS - 1) < 0) continue;
        out.s.push(s); out.o.push(o); out.t.push(t);
      }
    }
  }
  return out;
}

/** All (s, o, o+h) for origins in [oFrom, oTo] and h = 1…H with o + h ≤ lastObserved. */
export function originTriples(d: ForecastData, oFrom: number, oTo: number, H: number, lastObserved: number): { s: number[]; o: number[]; t: number[] } {
  const out = { s: [] as number[], o: [] as number[], t: [] as number[] };
  for (let s = 0; s < d.names.length; s++) {
    for (let o = oFrom; o <= oTo; o++) {
      for (let h = 1; h <= H && o + h <= lastObserved; h++) { out.s.push(s); out.o.push(o); out.t.push(o + h); }
    }
  }
  return out;
}

export type Scaler = { mean: number[]; std: number[] };

export function fitScaler(x: Float32Array, n: number, p: number): Scaler {
  const mean = new Array<number>(p).fill(0);
  const sq = new Array<number>(p).fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) { const v = x[r * p + j]!; mean[j]! += v; sq[j]! += v * v; }
  const std = mean.map((m, j) => {
    const mu = m / n;
    const sd = Math.sqrt(Math.max(0, sq[j]! / n - mu * mu));
    return sd > 1e-9 ? sd : 1;
  });
  return { mean: mean.map((m) => m / n), std };
}

export function scale(x: Float32Array, n: number, p: number, sc: Scaler): Float32Array {
  const z = new Float32Array(n * p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) z[r * p + j] = (x[r * p + j]! - sc.mean[j]!) / sc.std[j]!;
  return z;
}
