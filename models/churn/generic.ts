/**
 * `commsight train churn --input FILE`: the churn model on any tabular file, measured the way the
 * reference peer (../shared/peers/churn_peer.py) measures it, so the two can be compared on the
 * same split. Columns are detected as the peer does: a text column whose non-blank values are
 * (almost) all numbers is numeric with gaps, any other text column is categorical. The split is
 * the rows listed in --test-ids, or a stratified, seeded 80/20 one. The penalty is chosen by
 * 5-fold cross-validation on the training rows only.
 */
import { existsSync, readFileSync } from "node:fs";
import { lit, openDb } from "../../pipelines/core/duckdb.ts";
import { readColumns } from "../shared/columnar.ts";
import { fitLogistic, predictProba } from "../shared/logistic.ts";
import { mulberry32, permutation } from "../shared/rng.ts";
import { initTf } from "../shared/tf.ts";
import { baseRate, brier, calibrationTable, liftTopDecile, logLoss, prAuc, rocAuc, type CalibrationBin } from "./evaluate.ts";
import { designMatrix, fitPreprocessor, labels, type Frame } from "./prep.ts";

export type GenericChurnOptions = { input: string; target: string; positive: string; id?: string; testIds?: string; seed?: number };

export const LAMBDAS = [0.3, 1, 3, 10, 30];

export type ChurnFileDoc = {
  tool: "commsight train churn";
  input: string;
  config: { target: string; positive: string; id: string | null; seed: number };
  data: { n_rows_input: number; n_rows_used: number; n_train: number; n_test: number; positive_rate_train: number; positive_rate_test: number; categorical_columns: string[]; numeric_columns: string[] };
  split: string;
  models: { commsight_logistic: { metrics: Record<string, number | null>; calibration: CalibrationBin[]; fit_seconds: number; lambda: number; cv_roc_auc: Record<string, number>; n_features: number } };
  total_seconds: number;
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export async function readFrameFile(file: string, target: string, positive: string, id?: string): Promise<{ frame: Frame; nInput: number; numeric: string[]; categorical: string[] }> {
  if (!existsSync(file)) throw new Error(`churn: input file ${file} does not exist`);
  const db = await openDb();
  try {
    const scan = /\.parquet$/i.test(file) ? `(SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${lit(file)}))` : `read_csv(${lit(file)}, header = true, all_varchar = true)`;
    const cols = await readColumns(db, `SELECT * FROM ${scan}`);
    const names = [...cols.data.keys()];
    for (const c of [target, ...(id ? [id] : [])]) if (!names.includes(c)) throw new Error(`churn: column ${c} is not in ${file} (columns: ${names.join(", ")})`);
    const tgt = cols.str(target).map((v) => (v ?? "").trim());
    const keep = Int32Array.from(tgt.flatMap((v, i) => (v === "" ? [] : [i])));
    const label = Float64Array.from(keep, (i) => (tgt[i] === positive ? 1 : 0));
    const nPos = label.reduce((s, v) => s + v, 0);
    if (nPos === 0 || nPos === label.length) throw new Error(`churn: --positive ${positive} gives a single class (values seen: ${[...new Set(tgt)].slice(0, 20).join(", ")})`);
    const idCol = id ? cols.str(id) : null;
    const ids = Array.from(keep, (i) => (idCol ? idCol[i] ?? "" : String(i)));
    if (id && new Set(ids).size !== ids.length) throw new Error(`churn: id column ${id} has duplicate values`);
    const frame: Frame = { n: keep.length, ids, numeric: new Map(), categorical: new Map(), label };
    for (const name of names) {
      if (name === target || name === id) continue;
      const values = cols.str(name);
      const raw = Array.from(keep, (i) => values[i]?.trim() ?? "");
      const nonBlank = raw.filter((v) => v !== "");
      const numericShare = nonBlank.length ? nonBlank.filter((v) => NUMBER.test(v)).length / nonBlank.length : 0;
      if (nonBlank.length > 0 && numericShare >= 0.99) frame.numeric.set(name, Float64Array.from(raw, (v) => (NUMBER.test(v) ? Number(v) : NaN)));
      else frame.categorical.set(name, raw.map((v) => (v === "" ? null : v)));
    }
    return { frame, nInput: cols.rowCount, numeric: [...frame.numeric.keys()], categorical: [...frame.categorical.keys()] };
  } finally {
    db.close();
  }
}

/** Stratified split: a seeded `share` of each class goes to test. */
export function stratifiedSplit(y: Float64Array, share: number, seed: number): Uint8Array {
  const test = new Uint8Array(y.length);
  for (const cls of [0, 1]) {
    const idx = Array.from(y, (v, i) => (v === cls ? i : -1)).filter((i) => i >= 0);
    const perm = permutation(idx.length, mulberry32(seed + cls));
    const k = Math.round(idx.length * share);
    for (let j = 0; j < k; j++) test[idx[perm[j]!]!] = 1;
  }
  return test;
}

/** Fit on `train`, predict `test` (preprocessing fitted on train only). */
export function fitPredict(frame: Frame, train: Int32Array, test: Int32Array, lambda: number) {
  const prep = fitPreprocessor(frame, train);
  const p = prep.features.length;
  const fit = fitLogistic(designMatrix(frame, train, prep), labels(frame, train), train.length, p, lambda);
  return { prep, fit, proba: predictProba(designMatrix(frame, test, prep), test.length, p, fit) };
}

/** Mean ROC AUC over stratified folds of the training rows, per penalty. */
export function crossValidate(frame: Frame, train: Int32Array, lambdas: number[], folds: number, seed: number): Record<string, number> {
  const y = Float64Array.from(train, (i) => frame.label[i]!);
  const fold = new Int32Array(train.length);
  for (const cls of [0, 1]) {
    const idx = Array.from(y, (v, k) => (v === cls ? k : -1)).filter((k) => k >= 0);
    const perm = permutation(idx.length, mulberry32(seed * 31 + cls));
    perm.forEach((pk, j) => { fold[idx[pk]!] = j % folds; });
  }
  const out: Record<string, number> = {};
  for (const lambda of lambdas) {
    let sum = 0;
    for (let f = 0; f < folds; f++) {
      const tr = train.filter((_, k) => fold[k] !== f);
      const va = train.filter((_, k) => fold[k] === f);
      const { proba } = fitPredict(frame, tr, va, lambda);
      sum += rocAuc(Float64Array.from(va, (i) => frame.label[i]!), proba) ?? 0.5;
    }
    out[String(lambda)] = sum / folds;
  }
  return out;
}

export async function trainChurnFile(opts: GenericChurnOptions): Promise<ChurnFileDoc> {
  const started = performance.now();
  await initTf();
  const seed = opts.seed ?? 42;
  const { frame, nInput, numeric, categorical } = await readFrameFile(opts.input, opts.target, opts.positive, opts.id);
  let isTest: Uint8Array;
  let split: string;
  if (opts.testIds) {
    if (!opts.id) throw new Error("churn: --test-ids needs --id");
    const listed = new Set(readFileSync(opts.testIds, "utf8").split(/\r?\n/).slice(1).map((s) => s.split(",")[0]!.trim()).filter(Boolean));
    isTest = Uint8Array.from(frame.ids, (v) => (listed.has(v) ? 1 : 0));
    split = `rows whose ${opts.id} is listed in ${opts.testIds} (${listed.size} ids)`;
  } else {
    isTest = stratifiedSplit(frame.label, 0.2, seed);
    split = `stratified 80/20 split, seed ${seed}`;
  }
  const train = Int32Array.from(frame.ids.flatMap((_, i) => (isTest[i] ? [] : [i])));
  const test = Int32Array.from(frame.ids.flatMap((_, i) => (isTest[i] ? [i] : [])));
  if (test.length === 0 || train.length === 0) throw new Error(`churn: the split leaves ${train.length} training and ${test.length} test rows`);
  const t0 = performance.now();
  const cv = crossValidate(frame, train, LAMBDAS, 5, seed);
  const lambda = LAMBDAS.reduce((best, l) => (cv[String(l)]! > cv[String(best)]! ? l : best), LAMBDAS[0]!);
  const { prep, proba } = fitPredict(frame, train, test, lambda);
  const fitSeconds = (performance.now() - t0) / 1000;
  const y = Float64Array.from(test, (i) => frame.label[i]!);
  let correct = 0;
  for (let k = 0; k < y.length; k++) if ((proba[k]! >= 0.5 ? 1 : 0) === y[k]) correct++;
  return {
    tool: "commsight train churn",
    input: opts.input,
    config: { target: opts.target, positive: opts.positive, id: opts.id ?? null, seed },
    data: {
      n_rows_input: nInput, n_rows_used: frame.n, n_train: train.length, n_test: test.length,
      positive_rate_train: baseRate(Float64Array.from(train, (i) => frame.label[i]!)), positive_rate_test: baseRate(y),
      categorical_columns: categorical, numeric_columns: numeric,
    },
    split,
    models: {
      commsight_logistic: {
        metrics: {
          roc_auc: rocAuc(y, proba), pr_auc: prAuc(y, proba), log_loss: logLoss(y, proba), brier: brier(y, proba),
          accuracy_at_0_5: correct / y.length, lift_top_decile: liftTopDecile(y, proba), mean_predicted: baseRate(proba),
        },
        calibration: calibrationTable(y, proba),
        fit_seconds: fitSeconds, lambda, cv_roc_auc: cv, n_features: prep.features.length,
      },
    },
    total_seconds: (performance.now() - started) / 1000,
  };
}
