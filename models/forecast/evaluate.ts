/** Forecast accuracy: MASE, sMAPE, seasonal naive (m = 7), interval coverage, residual quantiles. */

export type SeriesMetrics = {
  mase: number;
  smape: number;
  mae: number;
  naiveMase: number;
  naiveSmape: number;
  naiveMae: number;
  /** Mean |y_t − y_{t−7}| over the training window (the MASE denominator). */
  scale: number;
  coverage80: number;
  coverage95: number;
  beatsNaive: boolean;
};

export type ForecastMetrics = {
  /** Means over the series (incl. 'All'). */
  mase: number;
  naiveMase: number;
  smape: number;
  naiveSmape: number;
  coverage80: number;
  coverage95: number;
  beatsNaive: boolean;
  series: Record<string, SeriesMetrics>;
  holdoutDays: number;
  horizonDays: number;
  validationDays: number;
  trainStart: string;
  trainEnd: string;
  holdoutStart: string;
  holdoutEnd: string;
  nTrain: number;
  holidaySource: string;
};

/** Seasonal-naive (m = 7) forecast from origin index o for h = 1…H: the last observed same weekday. */
export function seasonalNaive(y: ArrayLike<number>, o: number, H: number): Float64Array {
  return Float64Array.from({ length: H }, (_, i) => {
    const h = i + 1;
    return y[o + h - 7 * Math.ceil(h / 7)]!;
  });
}

/** In-sample mean |y_t − y_{t−m}| over indices [from, to]. */
export function maseScale(y: ArrayLike<number>, from: number, to: number, m = 7): number {
  let s = 0;
  let k = 0;
  for (let t = Math.max(from + m, m); t <= to; t++) { s += Math.abs(y[t]! - y[t - m]!); k++; }
  return k ? s / k : NaN;
}

export function mae(y: ArrayLike<number>, f: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i]! - f[i]!);
  return s / y.length;
}

/** 100 · mean(2|y − f| / (|y| + |f|)), with 0/0 = 0. */
export function smape(y: ArrayLike<number>, f: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const den = Math.abs(y[i]!) + Math.abs(f[i]!);
    s += den === 0 ? 0 : (2 * Math.abs(y[i]! - f[i]!)) / den;
  }
  return (100 * s) / y.length;
}

export function coverage(y: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! >= lo[i]! && y[i]! <= hi[i]!) k++;
  return k / y.length;
}

/** Linear-interpolated sample quantile (type 7). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const a = Float64Array.from(values).sort();
  if (a.length === 0) return NaN;
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(a.length - 1, lo + 1);
  return a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
}

/** Residual quantiles for the 80% and 95% intervals (log scale), widened to contain 0. */
export type IntervalQuantiles = { q025: number; q10: number; q90: number; q975: number; n: number };

export function intervalQuantiles(residuals: ArrayLike<number>): IntervalQuantiles {
  return {
    q025: Math.min(0, quantile(residuals, 0.025)),
    q10: Math.min(0, quantile(residuals, 0.1)),
    q90: Math.max(0, quantile(residuals, 0.9)),
    q975: Math.max(0, quantile(residuals, 0.975)),
    n: residuals.length,
  };
}

/** Point forecast and nested intervals on the original scale from a log-scale prediction. */
export function toInterval(logPred: number, q: IntervalQuantiles): { forecast: number; lower80: number; upper80: number; lower95: number; upper95: number } {
  const back = (v: number) => Math.max(0, Math.expm1(v));
  return {
    forecast: back(logPred),
    lower80: back(logPred + q.q10),
    upper80: back(logPred + q.q90),
    lower95: back(logPred + q.q025),
    upper95: back(logPred + q.q975),
  };
}
