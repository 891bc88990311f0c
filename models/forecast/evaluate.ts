/**
 * Forecast accuracy, with the definitions the reference peers use (../shared/peers/README.md):
 *   MASE  = MAE ÷ mean|y_t − y_{t−m}| over the training window (m = season length);
 *   sMAPE = 100·mean(2|y − f| ÷ (|y| + |f|)), 0/0 counted 0;
 *   coverageXX = share of actuals inside the XX% interval.
 */

export type PointMetrics = {
  n_eval: number;
  mae: number;
  rmse: number;
  mase: number;
  smape: number;
  bias_mean_error: number;
  coverage80: number | null;
  coverage95: number | null;
  mean_width80: number | null;
  mean_width95: number | null;
};

/** Seasonal naive from origin o for h = 1…H: the last observed value at the same phase of period m. */
export function seasonalNaive(y: ArrayLike<number>, o: number, H: number, m: number): Float64Array {
  return Float64Array.from({ length: H }, (_, i) => {
    const h = i + 1;
    return y[o + h - m * Math.ceil(h / m)]!;
  });
}

/** In-sample mean |y_t − y_{t−m}| over indices [from, to]. */
export function maseScale(y: ArrayLike<number>, from: number, to: number, m: number): number {
  let s = 0;
  let k = 0;
  for (let t = from + m; t <= to; t++) { s += Math.abs(y[t]! - y[t - m]!); k++; }
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

const meanWidth = (lo: ArrayLike<number>, hi: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < lo.length; i++) s += hi[i]! - lo[i]!;
  return s / lo.length;
};

/** The peers' metric set for one forecast against actuals (bounds optional). */
export function pointMetrics(
  y: ArrayLike<number>, f: ArrayLike<number>, scale: number,
  bounds?: { lower80: ArrayLike<number>; upper80: ArrayLike<number>; lower95: ArrayLike<number>; upper95: ArrayLike<number> },
): PointMetrics {
  let se = 0;
  let e = 0;
  for (let i = 0; i < y.length; i++) { const d = y[i]! - f[i]!; se += d * d; e += d; }
  const m = mae(y, f);
  return {
    n_eval: y.length,
    mae: m,
    rmse: Math.sqrt(se / y.length),
    mase: m / (scale > 0 ? scale : 1),
    smape: smape(y, f),
    bias_mean_error: e / y.length,
    coverage80: bounds ? coverage(y, bounds.lower80, bounds.upper80) : null,
    coverage95: bounds ? coverage(y, bounds.lower95, bounds.upper95) : null,
    mean_width80: bounds ? meanWidth(bounds.lower80, bounds.upper80) : null,
    mean_width95: bounds ? meanWidth(bounds.lower95, bounds.upper95) : null,
  };
}

/**
 * Seasonal-naive bounds the way R's snaive gives them: residual sd σ of y_t − y_{t−m} in sample,
 * widened by √k for the k-th seasonal step ahead, normal quantiles.
 */
export function naiveBounds(y: ArrayLike<number>, o: number, H: number, m: number, from = 0) {
  let s = 0;
  let k = 0;
  for (let t = from + m; t <= o; t++) { const d = y[t]! - y[t - m]!; s += d * d; k++; }
  const sigma = Math.sqrt(k ? s / k : 0);
  const f = seasonalNaive(y, o, H, m);
  const mk = (z: number, sign: number) => Float64Array.from(f, (v, i) => v + sign * z * sigma * Math.sqrt(Math.ceil((i + 1) / m)));
  return { forecast: f, lower80: mk(1.2815515655446004, -1), upper80: mk(1.2815515655446004, 1), lower95: mk(1.959963984540054, -1), upper95: mk(1.959963984540054, 1) };
}
