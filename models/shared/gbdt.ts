/**
 * Gradient-boosted decision trees for binary log loss, in TypeScript: the second-order
 * (Newton) boosting of XGBoost/LightGBM on histograms. Each feature is cut into at most `maxBins`
 * bins at training quantiles; a tree grows depth-wise to `maxDepth`, each split chosen by the gain
 * G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) over the bins' sums of gradients (p − y) and Hessians
 * p(1 − p), the smaller child's histogram built and the larger one's obtained by subtraction;
 * leaves hold −G/(H+λ) × the learning rate. Rows and features are subsampled per tree (seeded).
 * Boosting stops when the validation log loss has not improved for `patience` trees and keeps the
 * best number of trees.
 *
 * Why here and not a library: the project may not add dependencies and tfjs has no tree learner;
 * a maintained library (XGBoost, LightGBM) would add exact/approximate split finding at scale,
 * native categorical splits, monotone constraints, multi-threading, and exact TreeSHAP.
 */
import { mulberry32, permutation } from "./rng.ts";

export type GbdtOptions = {
  maxTrees: number;
  learningRate: number;
  maxDepth: number;
  /** Minimum Hessian sum in a child (XGBoost's min_child_weight). */
  minChildWeight: number;
  /** Minimum rows in a child. */
  minSamplesLeaf: number;
  /** L2 on leaf values. */
  lambda: number;
  subsample: number;
  colsample: number;
  maxBins: number;
  patience: number;
};

export const GBDT_DEFAULTS: GbdtOptions = { maxTrees: 1000, learningRate: 0.05, maxDepth: 4, minChildWeight: 1, minSamplesLeaf: 5, lambda: 1, subsample: 0.8, colsample: 0.8, maxBins: 128, patience: 50 };

/** Flat tree: node k is a leaf when feature[k] < 0 (value[k] is its output), else x[feature] ≤ threshold goes left. */
export type Tree = { feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] };
export type Gbdt = { p: number; base: number; trees: Tree[]; bestIteration: number; validationLoss: number };

type Binned = { bins: Uint8Array; edges: Float64Array[]; n: number };

/** Cut points per feature from the rows' values (midpoints between distinct values, or quantiles). */
export function binFeatures(x: Float32Array, p: number, rows: Int32Array, maxBins: number): Float64Array[] {
  const edges: Float64Array[] = [];
  const v = new Float64Array(rows.length);
  for (let j = 0; j < p; j++) {
    rows.forEach((i, r) => { v[r] = x[i * p + j]!; });
    const sorted = Float64Array.from(v).sort();
    const distinct: number[] = [];
    for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct.push(sorted[k]!);
    const cuts: number[] = [];
    if (distinct.length <= maxBins) {
      for (let k = 1; k < distinct.length; k++) cuts.push((distinct[k - 1]! + distinct[k]!) / 2);
    } else {
      for (let b = 1; b < maxBins; b++) {
        const q = sorted[Math.floor((b / maxBins) * (sorted.length - 1))]!;
        const nextIdx = distinct.findIndex((d) => d > q);
        if (nextIdx > 0) {
          const cut = (distinct[nextIdx - 1]! + distinct[nextIdx]!) / 2;
          if (!cuts.length || cut > cuts[cuts.length - 1]!) cuts.push(cut);
        }
      }
    }
    edges.push(Float64Array.from(cuts));
  }
  return edges;
}

function applyBins(x: Float32Array, p: number, rows: Int32Array, edges: Float64Array[]): Uint8Array {
  const n = rows.length;
  const bins = new Uint8Array(n * p); // column-major: bins[j * n + r]
  for (let j = 0; j < p; j++) {
    const e = edges[j]!;
    for (let r = 0; r < n; r++) {
      const v = x[rows[r]! * p + j]!;
      let lo = 0;
      let hi = e.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (v > e[mid]!) lo = mid + 1; else hi = mid; }
      bins[j * n + r] = lo;
    }
  }
  return bins;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function treeValue(t: Tree, x: Float32Array, off: number): number {
  let k = 0;
  while (t.feature[k]! >= 0) k = x[off + t.feature[k]!]! <= t.threshold[k]! ? t.left[k]! : t.right[k]!;
  return t.value[k]!;
}

/** Log-odds for [n × p] inputs. */
export function gbdtMargin(m: Gbdt, x: Float32Array, n: number, trees = m.trees.length): Float64Array {
  const out = new Float64Array(n).fill(m.base);
  for (let t = 0; t < trees; t++) {
    const tree = m.trees[t]!;
    for (let i = 0; i < n; i++) out[i]! += treeValue(tree, x, i * m.p);
  }
  return out;
}

export function predictGbdt(m: Gbdt, x: Float32Array, n: number): Float64Array {
  return gbdtMargin(m, x, n).map(sigmoid);
}

type Hist = Float64Array; // per feature, per bin: [g, h, count] → length p * B * 3

/**
 * Fit on `train` rows of x [N × p] (row-major), stopping early on `val` rows (none: all
 * maxTrees). Labels y ∈ {0, 1}; optional row weights.
 */
export function fitGbdt(x: Float32Array, y: ArrayLike<number>, p: number, train: Int32Array, val: Int32Array, opts: GbdtOptions, seed: number, rowWeights?: ArrayLike<number>): Gbdt {
  const edges = binFeatures(x, p, train, opts.maxBins);
  const n = train.length;
  const { bins } = { bins: applyBins(x, p, train, edges) } as Binned;
  const B = opts.maxBins + 1;
  const yt = Float64Array.from(train, (i) => y[i]!);
  const wt = Float64Array.from(train, (i) => rowWeights?.[i] ?? 1);
  let sw = 0;
  let sy = 0;
  for (let r = 0; r < n; r++) { sw += wt[r]!; sy += wt[r]! * yt[r]!; }
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, sy / sw));
  const base = Math.log(prior / (1 - prior));
  const margin = new Float64Array(n).fill(base);
  const valMargin = new Float64Array(val.length).fill(base);
  const yv = Float64Array.from(val, (i) => y[i]!);
  const wv = Float64Array.from(val, (i) => rowWeights?.[i] ?? 1);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const rng = mulberry32(seed ^ 0x7ee5);
  const trees: Tree[] = [];
  let best = Infinity;
  let bestIteration = 0;
  const valLoss = () => {
    let s = 0;
    let w = 0;
    for (let k = 0; k < val.length; k++) {
      const z = valMargin[k]!;
      s += wv[k]! * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - yv[k]! * z);
      w += wv[k]!;
    }
    return s / w;
  };
  const hist = (rows: Int32Array, feats: Int32Array): Hist => {
    const out = new Float64Array(p * B * 3);
    for (const j of feats) {
      const col = j * n;
      const base3 = j * B * 3;
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!;
        const o = base3 + bins[col + r]! * 3;
        out[o]! += g[r]!;
        out[o + 1]! += h[r]!;
        out[o + 2]!++;
      }
    }
    return out;
  };
  for (let t = 0; t < opts.maxTrees; t++) {
    for (let r = 0; r < n; r++) {
      const q = sigmoid(margin[r]!);
      g[r] = wt[r]! * (q - yt[r]!);
      h[r] = wt[r]! * Math.max(q * (1 - q), 1e-12);
    }
    const sampled: number[] = [];
    for (let r = 0; r < n; r++) if (opts.subsample >= 1 || rng() < opts.subsample) sampled.push(r);
    const nf = Math.max(1, Math.round(p * opts.colsample));
    const feats = permutation(p, rng).subarray(0, nf).slice().sort();
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const newNode = () => { tree.feature.push(-1); tree.threshold.push(0); tree.left.push(-1); tree.right.push(-1); tree.value.push(0); return tree.feature.length - 1; };
    type Item = { node: number; rows: Int32Array; hist: Hist; depth: number };
    const rootRows = Int32Array.from(sampled);
    let level: Item[] = [{ node: newNode(), rows: rootRows, hist: hist(rootRows, feats), depth: 0 }];
    while (level.length) {
      const next: Item[] = [];
      for (const it of level) {
        // totals from the first sampled feature's histogram
        let G = 0;
        let H = 0;
        const f0 = feats[0]!;
        for (let b = 0; b < B; b++) { G += it.hist[(f0 * B + b) * 3]!; H += it.hist[(f0 * B + b) * 3 + 1]!; }
        const leafValue = (-G / (H + opts.lambda)) * opts.learningRate;
        tree.value[it.node] = leafValue;
        if (it.depth >= opts.maxDepth || it.rows.length < 2 * opts.minSamplesLeaf) continue;
        const parentScore = (G * G) / (H + opts.lambda);
        let bestGain = 1e-9;
        let bestF = -1;
        let bestB = -1;
        for (const j of feats) {
          let gl = 0, hl = 0, cl = 0;
          const nb = edges[j]!.length;
          for (let b = 0; b < nb; b++) {
            const o = (j * B + b) * 3;
            gl += it.hist[o]!; hl += it.hist[o + 1]!; cl += it.hist[o + 2]!;
            const cr = it.rows.length - cl;
            if (cl < opts.minSamplesLeaf || hl < opts.minChildWeight) continue;
            if (cr < opts.minSamplesLeaf) break;
            const hr = H - hl;
            if (hr < opts.minChildWeight) break;
            const gr = G - gl;
            const gain = (gl * gl) / (hl + opts.lambda) + (gr * gr) / (hr + opts.lambda) - parentScore;
            if (gain > bestGain) { bestGain = gain; bestF = j; bestB = b; }
          }
        }
        if (bestF < 0) continue;
        const col = bestF * n;
        const leftRows: number[] = [];
        const rightRows: number[] = [];
        for (const r of it.rows) (bins[col + r]! <= bestB ? leftRows : rightRows).push(r);
        const L = Int32Array.from(leftRows);
        const R = Int32Array.from(rightRows);
        const small = L.length <= R.length ? L : R;
        const hs = hist(small, feats);
        const hb = new Float64Array(it.hist.length);
        for (let k = 0; k < hb.length; k++) hb[k] = it.hist[k]! - hs[k]!;
        const [hL, hR] = small === L ? [hs, hb] : [hb, hs];
        const l = newNode();
        const rgt = newNode();
        tree.feature[it.node] = bestF;
        tree.threshold[it.node] = edges[bestF]![bestB]!;
        tree.left[it.node] = l;
        tree.right[it.node] = rgt;
        next.push({ node: l, rows: L, hist: hL, depth: it.depth + 1 }, { node: rgt, rows: R, hist: hR, depth: it.depth + 1 });
      }
      level = next;
    }
    trees.push(tree);
    for (let r = 0; r < n; r++) margin[r]! += treeValue(tree, x, train[r]! * p);
    if (val.length) {
      for (let k = 0; k < val.length; k++) valMargin[k]! += treeValue(tree, x, val[k]! * p);
      const loss = valLoss();
      if (loss < best - 1e-7) { best = loss; bestIteration = t + 1; } else if (t + 1 - bestIteration >= opts.patience) break;
    } else {
      bestIteration = t + 1;
    }
  }
  return { p, base, trees: trees.slice(0, bestIteration), bestIteration, validationLoss: best };
}
