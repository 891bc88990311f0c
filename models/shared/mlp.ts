/**
 * A multilayer perceptron for tabular data, trained with TensorFlow.js: standardised inputs
 * (categorical columns one-hot — a dense layer on a one-hot block is an embedding lookup, one
 * learned vector per level, so high-cardinality columns get their embedding without a second
 * input path), ReLU hidden layers with dropout, a sigmoid output, binary cross-entropy with L2 on
 * kernels, Adam, seeded shuffles and seeded initial weights. Early stopping watches the log loss on
 * a validation split carved out of the rows it is given and restores the best epoch's weights.
 * `fitMlpEnsemble` averages a few seeds, each with its own validation split, so every row is
 * learned from by most members and the ensemble is smoother than any one of them.
 */
import { tf } from "./tf.ts";
import { mulberry32, permutation } from "./rng.ts";
import { predictColumn } from "./train.ts";

export type MlpOptions = {
  hidden: number[];
  dropout: number;
  /** L2 penalty on kernels, added to the mean loss. */
  l2: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation loss. */
  patience: number;
  /** Share of the rows held out for early stopping. */
  validationShare: number;
  /** Members of the ensemble (one seed each). */
  seeds: number;
};

export const MLP_DEFAULTS: MlpOptions = { hidden: [64, 32], dropout: 0, l2: 1e-4, learningRate: 3e-3, batchSize: 64, maxEpochs: 200, patience: 15, validationShare: 0.15, seeds: 3 };

export type MlpMember = { model: tf.LayersModel; bestEpoch: number; validationLoss: number };
export type MlpEnsemble = { members: MlpMember[]; p: number; options: MlpOptions };

export function buildMlp(p: number, hidden: number[], dropout: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [p], name: "features" });
  let h: tf.SymbolicTensor = input;
  hidden.forEach((units, k) => {
    h = tf.layers.dense({ units, activation: "relu", name: `hidden${k}`, kernelInitializer: tf.initializers.heNormal({ seed: seed * 101 + k }) }).apply(h) as tf.SymbolicTensor;
    if (dropout > 0) h = tf.layers.dropout({ rate: dropout, seed: seed * 103 + k, name: `dropout${k}` }).apply(h) as tf.SymbolicTensor;
  });
  const out = tf.layers.dense({ units: 1, activation: "sigmoid", name: "probability", kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 107 }) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "churn_mlp" });
}

const gatherRows = (x: Float32Array, p: number, rows: Int32Array): Float32Array => {
  const out = new Float32Array(rows.length * p);
  rows.forEach((i, r) => out.set(x.subarray(i * p, (i + 1) * p), r * p));
  return out;
};

function weightedLogLoss(y: Float32Array, prob: Float64Array, w: Float32Array): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, prob[i]!));
    s -= w[i]! * (y[i] === 1 ? Math.log(q) : Math.log(1 - q));
    sw += w[i]!;
  }
  return sw ? s / sw : NaN;
}

/** One member: train on `train` rows, stop early on `val` rows, keep the best epoch's weights. */
export async function fitMlpMember(x: Float32Array, y: Float32Array, p: number, train: Int32Array, val: Int32Array, opts: MlpOptions, seed: number, rowWeights?: Float32Array): Promise<MlpMember> {
  const model = buildMlp(p, opts.hidden, opts.dropout, seed);
  const n = train.length;
  const xs = tf.tensor2d(gatherRows(x, p, train), [n, p]);
  const ys = tf.tensor2d(Float32Array.from(train, (i) => y[i]!), [n, 1]);
  const ws = tf.tensor2d(Float32Array.from(train, (i) => rowWeights?.[i] ?? 1), [n, 1]);
  const xVal = gatherRows(x, p, val);
  const yVal = Float32Array.from(val, (i) => y[i]!);
  const wVal = Float32Array.from(val, (i) => rowWeights?.[i] ?? 1);
  const optimizer = tf.train.adam(opts.learningRate);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = model.trainableWeights.filter((w) => /kernel/.test(w.originalName ?? w.name)).map((w) => w.read());
  const rng = mulberry32(seed ^ 0x5eed);
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  try {
    for (let epoch = 0; epoch < opts.maxEpochs; epoch++) {
      const perm = permutation(n, rng);
      for (let start = 0; start < n; start += opts.batchSize) {
        const idx = tf.tensor1d(perm.subarray(start, Math.min(n, start + opts.batchSize)), "int32");
        tf.tidy(() => {
          const xb = tf.gather(xs, idx);
          const yb = tf.gather(ys, idx);
          const wb = tf.gather(ws, idx);
          optimizer.minimize(() => {
            const pred = tf.clipByValue(model.apply(xb, { training: true }) as tf.Tensor, 1e-7, 1 - 1e-7);
            const per = tf.neg(tf.add(tf.mul(yb, tf.log(pred)), tf.mul(tf.sub(1, yb), tf.log(tf.sub(1, pred)))));
            const base = tf.div(tf.sum(tf.mul(per, wb)), tf.sum(wb));
            return (opts.l2 > 0 ? tf.add(base, tf.mul(opts.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))))) : base) as tf.Scalar;
          }, false, vars);
        });
        idx.dispose();
      }
      const loss = val.length ? weightedLogLoss(yVal, predictColumn(model, xVal, val.length, p), wVal) : -epoch;
      if (loss < best - 1e-5) {
        best = loss;
        bestEpoch = epoch + 1;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = model.getWeights().map((t) => t.clone());
      } else if (epoch + 1 - bestEpoch >= opts.patience) {
        break;
      }
      if (epoch % 5 === 4) await new Promise((r) => setImmediate(r)); // let the event loop breathe
    }
    if (bestWeights) model.setWeights(bestWeights);
    return { model, bestEpoch, validationLoss: best };
  } finally {
    bestWeights?.forEach((t) => t.dispose());
    tf.dispose([xs, ys, ws]);
    optimizer.dispose();
  }
}

/** Stratified validation rows (a seeded `share` of each class among `rows`). */
export function validationSplit(y: ArrayLike<number>, rows: Int32Array, share: number, seed: number): { train: Int32Array; val: Int32Array } {
  const isVal = new Uint8Array(rows.length);
  for (const cls of [0, 1]) {
    const idx = Array.from(rows, (i, k) => (y[i] === cls ? k : -1)).filter((k) => k >= 0);
    const perm = permutation(idx.length, mulberry32(seed * 7919 + cls));
    const k = Math.round(idx.length * share);
    for (let j = 0; j < k; j++) isVal[idx[perm[j]!]!] = 1;
  }
  return { train: rows.filter((_, k) => !isVal[k]), val: rows.filter((_, k) => isVal[k] === 1) };
}

/** `opts.seeds` members, each trained on `rows` less its own validation split. */
export async function fitMlpEnsemble(x: Float32Array, y: Float32Array, p: number, rows: Int32Array, opts: MlpOptions, seed: number, rowWeights?: Float32Array): Promise<MlpEnsemble> {
  const members: MlpMember[] = [];
  for (let s = 0; s < opts.seeds; s++) {
    const { train, val } = validationSplit(y, rows, opts.validationShare, seed * 1000 + s);
    members.push(await fitMlpMember(x, y, p, train, val, opts, seed * 1000 + s, rowWeights));
  }
  return { members, p, options: opts };
}

/** Mean of the members' probabilities for [n × p] inputs. */
export function predictMlp(ens: { members: { model: tf.LayersModel }[]; p: number }, x: Float32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (const m of ens.members) {
    const q = predictColumn(m.model, x, n, ens.p);
    for (let i = 0; i < n; i++) out[i]! += q[i]! / ens.members.length;
  }
  return out;
}

export function disposeMlp(ens: { members: { model: tf.LayersModel }[] }): void {
  for (const m of ens.members) m.model.dispose();
}
