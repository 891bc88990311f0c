/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares) with TensorFlow.js doing the O(n·p²) work: each step computes the gradient Xᵀr(p − y)
 * and the Hessian XᵀWX on the tensors, then solves the small p×p system by Cholesky. A handful
 * of steps reach the optimum exactly (no learning rate, no epochs), so fits are deterministic
 * and fast enough to cross-validate the penalty. The objective matches scikit-learn's
 * LogisticRegression(C): Σ rᵢ·logloss(yᵢ, pᵢ) + ‖w‖² ÷ (2C), intercept unpenalised.
 */
import { tf } from "./tf.ts";
import { robustSolve, linearModel } from "./ridge.ts";

export type LogisticFit = { kernel: Float64Array; bias: number; iterations: number; loss: number };

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * x: standardised inputs [n × p] row-major; y ∈ {0, 1}; lambda = 1 ÷ C; rowWeights optional
 * (e.g. 1 ÷ sampling rate when negatives are subsampled).
 */
export function fitLogistic(x: Float32Array, y: Float32Array, n: number, p: number, lambda: number, rowWeights?: Float32Array, maxIter = 30): LogisticFit {
  const q = p + 1;
  const xs = tf.tidy(() => tf.concat([tf.tensor2d(x, [n, p]), tf.ones([n, 1])], 1));
  const r = rowWeights ?? new Float32Array(n).fill(1);
  const w = new Float64Array(q);
  const lossAt = (eta: Float32Array | Float64Array, wv: Float64Array) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const z = eta[i]!;
      // log(1 + e^z) − y·z, computed stably
      l += r[i]! * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i]! * z);
    }
    let pen = 0;
    for (let j = 0; j < p; j++) pen += wv[j]! * wv[j]!;
    return l + (lambda * pen) / 2;
  };
  const predict = (wv: Float64Array) => tf.tidy(() => tf.matMul(xs, tf.tensor2d(Float32Array.from(wv), [q, 1])).dataSync() as Float32Array);
  try {
    let eta = predict(w);
    let loss = lossAt(eta, w);
    let it = 0;
    for (; it < maxIter; it++) {
      const resid = new Float32Array(n);
      const curv = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const pi = sigmoid(eta[i]!);
        resid[i] = r[i]! * (pi - y[i]!);
        curv[i] = r[i]! * Math.max(pi * (1 - pi), 1e-10);
      }
      const { grad, hess } = tf.tidy(() => {
        const rt = tf.tensor2d(resid, [n, 1]);
        const ct = tf.tensor2d(curv, [n, 1]);
        return { grad: tf.matMul(xs, rt, true, false).dataSync(), hess: tf.matMul(tf.mul(xs, ct), xs, true, false).dataSync() };
      });
      const g = Float64Array.from(grad);
      const h = Float64Array.from(hess);
      for (let j = 0; j < p; j++) { g[j]! += lambda * w[j]!; h[j * q + j]! += lambda; }
      h[p * q + p]! += 1e-8;
      const step = robustSolve(h, g, q).x;
      // Damped Newton: halve the step until the objective does not increase.
      let t = 1;
      let next = w;
      let nextEta = eta;
      let nextLoss = loss;
      for (let k = 0; k < 30; k++) {
        const cand = Float64Array.from(w, (v, j) => v - t * step[j]!);
        const ce = predict(cand);
        const cl = lossAt(ce, cand);
        if (cl <= loss + 1e-12 * Math.abs(loss)) { next = cand; nextEta = ce; nextLoss = cl; break; }
        t /= 2;
      }
      const improvement = loss - nextLoss;
      w.set(next);
      eta = nextEta;
      loss = nextLoss;
      if (improvement <= 1e-9 * Math.max(1, Math.abs(loss))) { it++; break; }
    }
    return { kernel: Float64Array.from(w.subarray(0, p)), bias: w[p]!, iterations: it, loss };
  } finally {
    xs.dispose();
  }
}

/** The fitted logistic regression as a tfjs model (dense unit + sigmoid) on standardised inputs. */
export function logisticModel(fit: LogisticFit): tf.LayersModel {
  const model = linearModel(fit.kernel.length, fit.kernel, fit.bias, "logit");
  return wrapSigmoid(model);
}

function wrapSigmoid(linear: tf.LayersModel): tf.LayersModel {
  const p = linear.inputs[0]!.shape[1]!;
  const input = tf.input({ shape: [p], name: "features" });
  const logit = linear.getLayer("logit").apply(input) as tf.SymbolicTensor;
  const prob = tf.layers.activation({ activation: "sigmoid", name: "probability" }).apply(logit) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: prob, name: "churn_logistic" });
}

/** Probabilities from a kernel and bias without a model (for cross-validation folds). */
export function predictProba(x: Float32Array, n: number, p: number, fit: LogisticFit): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = fit.bias;
    for (let j = 0; j < p; j++) z += fit.kernel[j]! * x[i * p + j]!;
    out[i] = sigmoid(z);
  }
  return out;
}
