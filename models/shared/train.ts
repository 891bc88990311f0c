/**
 * A small, fully seeded mini-batch training loop for tfjs LayersModels: our own seeded
 * shuffling (tfjs's fit() shuffles with Math.random), per-row weights (class weights),
 * explicit L2 on kernels, Adam.
 */
import { tf } from "./tf.ts";
import { mulberry32, permutation } from "./rng.ts";

export type FitOptions = {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** L2 penalty on kernels (not biases), added to the mean loss. */
  l2: number;
  loss: "bce" | "mse";
  /** Optional per-row weights (e.g. class weights); the loss is their weighted mean. */
  rowWeights?: Float32Array;
};

/** Train in place; returns the final full-data loss (unpenalised, weighted). */
export async function fitModel(model: tf.LayersModel, x: Float32Array, y: Float32Array, n: number, p: number, opts: FitOptions): Promise<number> {
  if (x.length !== n * p || y.length !== n) throw new Error(`fitModel: shapes do not match (${x.length} vs ${n}×${p}, ${y.length})`);
  const xs = tf.tensor2d(x, [n, p]);
  const ys = tf.tensor2d(y, [n, 1]);
  const ws = tf.tensor2d(opts.rowWeights ?? new Float32Array(n).fill(1), [n, 1]);
  const optimizer = tf.train.adam(opts.learningRate);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = model.trainableWeights.filter((w) => /kernel/.test(w.originalName ?? w.name)).map((w) => w.read());
  const rng = mulberry32(opts.seed ^ 0x5eed);
  const lossOf = (xb: tf.Tensor, yb: tf.Tensor, wb: tf.Tensor): tf.Scalar => {
    const pred = model.apply(xb, { training: true }) as tf.Tensor;
    const per = opts.loss === "bce"
      ? tf.neg(tf.add(tf.mul(yb, tf.log(tf.add(pred, 1e-7))), tf.mul(tf.sub(1, yb), tf.log(tf.add(tf.sub(1, pred), 1e-7)))))
      : tf.square(tf.sub(pred, yb));
    return tf.div(tf.sum(tf.mul(per, wb)), tf.sum(wb)) as tf.Scalar;
  };
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const perm = permutation(n, rng);
      for (let start = 0; start < n; start += opts.batchSize) {
        const idx = tf.tensor1d(perm.subarray(start, Math.min(n, start + opts.batchSize)), "int32");
        tf.tidy(() => {
          const xb = tf.gather(xs, idx);
          const yb = tf.gather(ys, idx);
          const wb = tf.gather(ws, idx);
          optimizer.minimize(() => {
            const base = lossOf(xb, yb, wb);
            if (opts.l2 <= 0 || kernels.length === 0) return base;
            return tf.add(base, tf.mul(opts.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))))) as tf.Scalar;
          }, false, vars);
        });
        idx.dispose();
      }
      if (epoch % 10 === 9) await new Promise((r) => setImmediate(r)); // let the event loop breathe
    }
    return tf.tidy(() => lossOf(xs, ys, ws).dataSync()[0]!);
  } finally {
    tf.dispose([xs, ys, ws]);
    optimizer.dispose();
  }
}

/** model.predict on a Float32Array [n × p] → Float64Array of the single output. */
export function predictColumn(model: tf.LayersModel, x: Float32Array, n: number, p: number, batchSize = 8192): Float64Array {
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const vals = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(start * p, end * p), [end - start, p]);
      return (model.predict(xb) as tf.Tensor).dataSync();
    });
    out.set(vals, start);
  }
  return out;
}
