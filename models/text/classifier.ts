/**
 * A topic/intent classifier trained on labelled examples, in TensorFlow.js (wasm backend via
 * models/shared/tf.ts): fastText's architecture (Joulin et al. 2016). Each text is a bag of
 * hashed word unigrams and bigrams; their embeddings are averaged and a softmax layer maps the
 * average to the topics. It trains in seconds on thousands of examples and needs no pretrained
 * weights (nothing is downloaded). Token ids go into tensors column-wise as one Int32Array.
 */
import { initTf, tf } from "../shared/tf.ts";
import { mulberry32, permutation } from "../shared/rng.ts";
import { words } from "./tokenize.ts";

export type Example = { text: string; topic: string };
export type Prediction = { topic: string; confidence: number };
export interface TopicClassifier {
  readonly topics: string[];
  predict(texts: string[]): Prediction[];
  /** Free the weights (tensors live outside the JS heap). */
  dispose(): void;
}
export type TrainOptions = { epochs?: number; seed?: number; buckets?: number; dims?: number; maxTokens?: number; learningRate?: number; batchSize?: number };

/** FNV-1a, 32 bits: a stable hash of a feature string into the embedding table. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

/** Feature ids of texts as a [n × maxTokens] matrix (0 = padding) with each text's feature count. */
export function featurise(texts: string[], buckets: number, maxTokens: number): { ids: Int32Array; counts: Float32Array } {
  const ids = new Int32Array(texts.length * maxTokens);
  const counts = new Float32Array(texts.length);
  texts.forEach((text, i) => {
    const ws = words(text);
    const feats = [...ws, ...ws.slice(1).map((w, j) => `${ws[j]}_${w}`)];
    const n = Math.min(maxTokens, feats.length);
    for (let k = 0; k < n; k++) ids[i * maxTokens + k] = 1 + (fnv1a(feats[k]!) % (buckets - 1));
    counts[i] = Math.max(1, n);
  });
  return { ids, counts };
}

type Weights = { emb: tf.Variable; w: tf.Variable; b: tf.Variable };

/**
 * The mean of each text's feature embeddings. Its gradient is written by hand: tf.gather's own
 * needs the UnsortedSegmentSum kernel, which the wasm backend lacks; a scatter-add (ScatterNd sums
 * duplicate indices) of the per-token gradients into the table is the same thing.
 */
function embeddingBag(emb: tf.Tensor, ids: Int32Array, counts: Float32Array, n: number, maxTokens: number): tf.Tensor2D {
  const weights = new Float32Array(ids.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < maxTokens; k++) if (ids[i * maxTokens + k] !== 0) weights[i * maxTokens + k] = 1 / counts[i]!;
  const idx = tf.tensor1d(ids, "int32");
  const wt = tf.tensor2d(weights, [ids.length, 1]);
  const buckets = emb.shape[0]!, dims = emb.shape[1]!;
  // idx and wt go through save(): tensors made in the forward pass are disposed before the backward one runs.
  const bag = tf.customGrad(((table: tf.Tensor, save: tf.GradSaveFunc) => {
    save([idx, wt]);
    const rows = tf.mul(tf.gather(table, idx), wt);
    return {
      value: tf.sum(tf.reshape(rows, [n, maxTokens, dims]), 1),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [i, w] = saved as [tf.Tensor1D, tf.Tensor2D];
        const dRows = tf.mul(tf.reshape(tf.tile(tf.expandDims(dy, 1), [1, maxTokens, 1]), [n * maxTokens, dims]), w);
        return tf.scatterND(tf.expandDims(i, 1), dRows, [buckets, dims]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return bag(emb) as tf.Tensor2D;
}

function logits(wts: Weights, ids: Int32Array, counts: Float32Array, n: number, maxTokens: number): tf.Tensor2D {
  return tf.add(tf.matMul(embeddingBag(wts.emb, ids, counts, n, maxTokens), wts.w), wts.b) as tf.Tensor2D;
}

export async function trainClassifier(examples: Example[], opts: TrainOptions = {}): Promise<TopicClassifier> {
  await initTf();
  const buckets = opts.buckets ?? 1 << 14, dims = opts.dims ?? 32, maxTokens = opts.maxTokens ?? 48;
  const epochs = opts.epochs ?? 5, batchSize = opts.batchSize ?? 64, seed = opts.seed ?? 7;
  const topics = [...new Set(examples.map((e) => e.topic))].sort();
  if (topics.length < 2) throw new Error(`a classifier needs examples of at least two topics, got ${topics.length}`);
  const index = new Map(topics.map((t, i) => [t, i]));
  const { ids, counts } = featurise(examples.map((e) => e.text), buckets, maxTokens);
  const labels = Int32Array.from(examples, (e) => index.get(e.topic)!);
  const rng = mulberry32(seed);
  const init = (shape: number[], scale: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng() * 2 - 1) * scale), shape);
  const wts: Weights = {
    emb: tf.variable(init([buckets, dims], 1 / dims)),
    w: tf.variable(init([dims, topics.length], Math.sqrt(6 / (dims + topics.length)))),
    b: tf.variable(tf.zeros([topics.length])),
  };
  const optimizer = tf.train.adam(opts.learningRate ?? 0.02);
  const n = examples.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = permutation(n, rng);
    for (let at = 0; at < n; at += batchSize) {
      const rowsIdx = order.subarray(at, Math.min(n, at + batchSize));
      const bIds = new Int32Array(rowsIdx.length * maxTokens), bCounts = new Float32Array(rowsIdx.length), bLabels = new Int32Array(rowsIdx.length);
      rowsIdx.forEach((r, k) => { bIds.set(ids.subarray(r * maxTokens, (r + 1) * maxTokens), k * maxTokens); bCounts[k] = counts[r]!; bLabels[k] = labels[r]!; });
      tf.tidy(() => {
        const y = tf.oneHot(tf.tensor1d(bLabels, "int32"), topics.length);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, logits(wts, bIds, bCounts, rowsIdx.length, maxTokens)) as tf.Scalar, false, [wts.emb, wts.w, wts.b]);
      });
    }
  }
  optimizer.dispose();
  return {
    topics,
    dispose() { wts.emb.dispose(); wts.w.dispose(); wts.b.dispose(); },
    predict(texts: string[]): Prediction[] {
      const out: Prediction[] = [];
      for (let at = 0; at < texts.length; at += 4096) {
        const chunk = texts.slice(at, at + 4096);
        const f = featurise(chunk, buckets, maxTokens);
        const probs = tf.tidy(() => tf.softmax(logits(wts, f.ids, f.counts, chunk.length, maxTokens)).dataSync() as Float32Array);
        for (let i = 0; i < chunk.length; i++) {
          let best = 0;
          for (let k = 1; k < topics.length; k++) if (probs[i * topics.length + k]! > probs[i * topics.length + best]!) best = k;
          out.push({ topic: topics[best]!, confidence: probs[i * topics.length + best]! });
        }
      }
      return out;
    },
  };
}

/** Share of examples whose predicted topic is their label. */
export function accuracy(clf: TopicClassifier, examples: Example[]): number {
  const p = clf.predict(examples.map((e) => e.text));
  return p.filter((x, i) => x.topic === examples[i]!.topic).length / Math.max(1, examples.length);
}
