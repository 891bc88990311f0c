/**
 * Ridge regression with TensorFlow.js: inputs are z-scored with training statistics, the Gram
 * matrix XᵀX and Xᵀy are computed by tfjs (the O(n·p²) work), and the small p×p system is solved
 * exactly by Cholesky — deterministic, and far faster than iterating gradient steps to the same
 * optimum. The result is a tfjs LayersModel (one dense unit on standardised inputs), saved and
 * served like any other.
 */
import { tf } from "./tf.ts";

export type Scaler = { mean: number[]; std: number[] };

export function fitScaler(x: Float32Array, n: number, p: number, rowWeights?: Float32Array): Scaler {
  const mean = new Array<number>(p).fill(0);
  const sq = new Array<number>(p).fill(0);
  let wsum = 0;
  for (let r = 0; r < n; r++) {
    const w = rowWeights ? rowWeights[r]! : 1;
    wsum += w;
    for (let j = 0; j < p; j++) { const v = x[r * p + j]!; mean[j]! += w * v; sq[j]! += w * v * v; }
  }
  const mu = mean.map((m) => m / wsum);
  const std = sq.map((s, j) => {
    const sd = Math.sqrt(Math.max(0, s / wsum - mu[j]! * mu[j]!));
    return sd > 1e-9 ? sd : 1;
  });
  return { mean: mu, std };
}

export function applyScaler(x: Float32Array, n: number, p: number, sc: Scaler): Float32Array {
  const z = new Float32Array(n * p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) z[r * p + j] = (x[r * p + j]! - sc.mean[j]!) / sc.std[j]!;
  return z;
}

/**
 * Solve A·x = b for symmetric positive definite A by Cholesky. The Gram matrix comes from float32
 * tensors, so with a million rows and near-collinear columns (one-hot groups) its rounding can
 * leave it a hair short of definite: then a jitter is added to the diagonal, starting at 1e-10 of
 * its mean and growing tenfold, until the factorisation succeeds (at most 12 times).
 */
export function robustSolve(a: Float64Array, b: Float64Array, p: number): { x: Float64Array; jitter: number } {
  let meanDiag = 0;
  for (let i = 0; i < p; i++) meanDiag += a[i * p + i]! / p;
  let jitter = 0;
  for (let attempt = 0; ; attempt++) {
    const m = Float64Array.from(a);
    for (let i = 0; i < p; i++) m[i * p + i]! += jitter;
    try {
      return { x: choleskySolve(m, b, p), jitter };
    } catch (err) {
      if (attempt >= 12) throw err;
      jitter = jitter === 0 ? 1e-10 * Math.max(meanDiag, 1e-12) : jitter * 10;
    }
  }
}

/** Solve A·x = b for symmetric positive definite A (row-major p×p), by Cholesky. */
export function choleskySolve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`ridge: matrix not positive definite at column ${i}`);
        l[i * p + i] = Math.sqrt(s);
      } else {
        l[i * p + j] = s / l[j * p + j]!;
      }
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * y[k]!;
    y[i] = s / l[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * x[k]!;
    x[i] = s / l[i * p + i]!;
  }
  return x;
}

export type RidgeFit = { model: tf.LayersModel; scaler: Scaler; kernel: Float64Array; bias: number };

/**
 * Fit y ≈ bias + Σ w_j·(x_j − mean_j)/std_j minimising Σ r·(y − ŷ)² + λ·n·Σ w_j² (bias free;
 * r = optional row weights, normalised to mean 1), so λ is a per-row penalty independent of n.
 */
export function fitRidge(x: Float32Array, y: Float32Array, n: number, p: number, lambda: number, rowWeights?: Float32Array): RidgeFit {
  const scaler = fitScaler(x, n, p, rowWeights);
  const z = applyScaler(x, n, p, scaler);
  const q = p + 1; // + intercept column
  const { gram, xty } = tf.tidy(() => {
    const xs = tf.concat([tf.tensor2d(z, [n, p]), tf.ones([n, 1])], 1) as tf.Tensor2D;
    const ys = tf.tensor2d(y, [n, 1]);
    let wx: tf.Tensor2D = xs;
    if (rowWeights) {
      let sum = 0;
      for (const v of rowWeights) sum += v;
      wx = tf.mul(xs, tf.tensor2d(Float32Array.from(rowWeights, (v) => (v * n) / sum), [n, 1]));
    }
    // Gram matrix XᵀWX and XᵀWy: the O(n·p²) part.
    return { gram: tf.matMul(wx, xs, true, false).dataSync(), xty: tf.matMul(wx, ys, true, false).dataSync() };
  });
  const a = Float64Array.from(gram);
  for (let j = 0; j < p; j++) a[j * q + j]! += lambda * n;
  a[p * q + p]! += 1e-9 * n; // keeps the system definite when a column is constant
  const sol = robustSolve(a, Float64Array.from(xty), q).x;
  const kernel = sol.subarray(0, p);
  const bias = sol[p]!;
  return { model: linearModel(p, kernel, bias), scaler, kernel: Float64Array.from(kernel), bias };
}

/** A tfjs model with one dense unit holding the given weights (inputs standardised). */
export function linearModel(p: number, kernel: ArrayLike<number>, bias: number, name = "linear"): tf.LayersModel {
  const model = tf.sequential({ name: `${name}_model` });
  model.add(tf.layers.dense({ units: 1, inputShape: [p], name }));
  model.getLayer(name).setWeights([tf.tensor2d(Float32Array.from(kernel), [p, 1]), tf.tensor1d([bias])]);
  return model;
}
