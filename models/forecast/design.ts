/**
 * Features of one forecast (series s, origin o, target t), using only observations at or before o,
 * so one model serves every horizon (direct multi-horizon, no recursion). On the log scale
 * z = log(1 + y) (variance-stabilising for counts):
 *   base  = mean of the same slot on the same weekday in the last 4 cycles (weeks) available at o,
 *           holidays skipped: the seasonal profile, and the prediction's offset;
 *   lags  = the nearest weekly lag, means of 2 and 8 weekly lags, the same slot on the most recent
 *           day and the mean of the last 5 and 20 days at that slot — each relative to base;
 *   level = mean z over the last day and the last cycle minus the last four cycles (recent level
 *           shifts), and their products with the horizon (a shift fades as the horizon grows);
 *   calendar at t = holiday (and holiday × base: a holiday removes a share of the volume), after a
 *           closed day, weekday one-hot, intraday shape (3 Fourier pairs over the day), business hours;
 *   series one-hot (a global model over many series).
 * The model predicts z_t − base. A slot that was zero in each of the last 8 weeks (a closed day,
 * the night) is forecast as zero: "closed stays closed" beats any smoothed guess.
 */
import { cyclesBack, type Grid } from "../shared/grid.ts";

export const WEEKLY_LAGS = 8;
export const BASE_CYCLES = 4;
const FOURIER = 3;

export type SeriesData = {
  names: string[];
  /** Observed values per series (length grid.n). */
  y: Float64Array[];
  /** log(1 + max(0, y)). */
  z: Float64Array[];
  /** Prefix sums of z (length n + 1), for level means in O(1). */
  prefix: Float64Array[];
  /** Per slot, prefix sums of z over observed day ordinals: [slot × (days + 1)]. */
  slotPrefix: Float64Array[];
};

export function prepareSeries(g: Grid, names: string[], y: Float64Array[]): SeriesData {
  const days = g.n / g.S;
  const z = y.map((a) => Float64Array.from(a, (v) => Math.log1p(Math.max(0, v))));
  const prefix = z.map((a) => {
    const p = new Float64Array(a.length + 1);
    for (let i = 0; i < a.length; i++) p[i + 1] = p[i]! + a[i]!;
    return p;
  });
  const slotPrefix = z.map((a) => {
    const p = new Float64Array(g.S * (days + 1));
    for (let s = 0; s < g.S; s++) for (let d = 0; d < days; d++) p[s * (days + 1) + d + 1] = p[s * (days + 1) + d]! + a[d * g.S + s]!;
    return p;
  });
  return { names, y, z, prefix, slotPrefix };
}

export function featureNames(g: Grid, series: string[]): string[] {
  const names = [
    "w1", "w2", "w8", "d1", "d5", "d20", "level_day", "level_cycle", "level_day_x_h", "level_cycle_x_h", "horizon",
    "holiday", "holiday_x_base", "after_closed",
  ];
  if (g.C > 1) for (let c = 0; c < g.C; c++) names.push(`weekday${c}`);
  if (g.S > 1) for (let k = 1; k <= FOURIER; k++) names.push(`slot_sin${k}`, `slot_cos${k}`);
  if (g.open) names.push("open");
  if (series.length > 1) for (const s of series) names.push(`series=${s}`);
  return names;
}

const mean = (p: Float64Array, from: number, to: number) => (to > from ? (p[to]! - p[from]!) / (to - from) : NaN);

/**
 * Write the raw features of (s, o, t) into out[offset …]; returns base (log scale).
 * `H` scales the horizon feature (the model's maximum horizon, in points).
 */
export function writeFeatures(g: Grid, d: SeriesData, s: number, o: number, t: number, H: number, out: Float32Array, offset: number): number {
  const z = d.z[s]!;
  const S = g.S;
  const days = g.n / S;
  const dt = g.dayOf[t]!;
  const st = g.slotOf[t]!;
  // Weekly lags available at o, holidays skipped.
  const w: number[] = [];
  for (let k = 1; k <= WEEKLY_LAGS + 4 && w.length < WEEKLY_LAGS; k++) {
    const dk = cyclesBack(g, dt, k);
    if (dk < 0) {
      if (g.mode === "index" || g.dayNumber[dt]! - 7 * k < g.dayNumber[0]!) break;
      continue; // a day the series skips
    }
    const i = dk * S + st;
    if (i > o || g.holiday[dk]) continue;
    w.push(z[i]!);
  }
  // Most recent observed day whose slot st is at or before o.
  const dl = g.slotOf[o]! >= st ? g.dayOf[o]! : g.dayOf[o]! - 1;
  const sp = d.slotPrefix[s]!;
  const row = st * (days + 1);
  const dayMean = (k: number) => (dl < 0 ? NaN : (sp[row + dl + 1]! - sp[row + Math.max(0, dl + 1 - k)]!) / Math.min(k, dl + 1));
  const d1 = dl >= 0 ? z[dl * S + st]! : NaN;
  const d5 = dayMean(5);
  const d20 = dayMean(20);
  const wMean = (k: number) => { let a = 0; const m = Math.min(k, w.length); for (let j = 0; j < m; j++) a += w[j]!; return a / m; };
  const p = d.prefix[s]!;
  const levelDay = mean(p, Math.max(0, o + 1 - S), o + 1);
  const levelCycle = mean(p, Math.max(0, o + 1 - S * g.C), o + 1);
  const levelLong = mean(p, Math.max(0, o + 1 - 4 * S * g.C), o + 1);
  const base = w.length ? wMean(BASE_CYCLES) : Number.isFinite(d5) ? d5 : levelCycle;
  const rel = (v: number) => (Number.isFinite(v) ? v - base : 0);
  const hf = (t - o) / H;
  const ld = levelDay - levelLong;
  const lc = levelCycle - levelLong;
  let c = offset;
  out[c++] = w.length ? w[0]! - base : 0;
  out[c++] = w.length ? wMean(2) - base : 0;
  out[c++] = w.length ? wMean(WEEKLY_LAGS) - base : 0;
  out[c++] = rel(d1);
  out[c++] = rel(d5);
  out[c++] = rel(d20);
  out[c++] = ld;
  out[c++] = lc;
  out[c++] = ld * hf;
  out[c++] = lc * hf;
  out[c++] = hf;
  const hol = g.holiday[dt]!;
  out[c++] = hol;
  out[c++] = hol * base;
  out[c++] = g.afterClosed[dt]!;
  if (g.C > 1) { const wd = g.weekday[dt]!; for (let k = 0; k < g.C; k++) out[c++] = k === wd ? 1 : 0; }
  if (S > 1) for (let k = 1; k <= FOURIER; k++) { const a = (2 * Math.PI * k * st) / S; out[c++] = Math.sin(a); out[c++] = Math.cos(a); }
  if (g.open) out[c++] = g.open[t]!;
  if (d.names.length > 1) for (let j = 0; j < d.names.length; j++) out[c++] = j === s ? 1 : 0;
  return base;
}

/** How many weekly lags of t are observed at o (the zero rule needs a full record). */
function weeklyLagCount(g: Grid, o: number, t: number): number {
  let k = 0;
  for (let c = 1; c <= WEEKLY_LAGS + 4 && k < WEEKLY_LAGS; c++) {
    const dk = cyclesBack(g, g.dayOf[t]!, c);
    if (dk < 0) { if (g.mode === "index" || g.dayNumber[g.dayOf[t]!]! - 7 * c < g.dayNumber[0]!) break; continue; }
    if (dk * g.S + g.slotOf[t]! <= o && !g.holiday[dk]) k++;
  }
  return k;
}

export type Rows = { s: Int32Array; o: Int32Array; t: Int32Array };

export type Design = { x: Float32Array; base: Float64Array; n: number; p: number; rows: Rows; closed: Uint8Array };

export function buildDesign(g: Grid, d: SeriesData, rows: Rows, H: number): Design {
  const p = featureNames(g, d.names).length;
  const n = rows.s.length;
  const x = new Float32Array(n * p);
  const base = new Float64Array(n);
  const closed = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    base[r] = writeFeatures(g, d, rows.s[r]!, rows.o[r]!, rows.t[r]!, H, x, r * p);
    // w8 − base and base are both 0 only when every weekly lag is 0.
    closed[r] = base[r] === 0 && x[r * p + 2] === 0 && x[r * p] === 0 && weeklyLagCount(g, rows.o[r]!, rows.t[r]!) >= WEEKLY_LAGS ? 1 : 0;
  }
  return { x, base, n, p, rows, closed };
}
