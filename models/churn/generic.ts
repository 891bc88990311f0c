/**
 * `commsight train churn --input FILE`: the churn model on any tabular file, measured the way the
 * reference peer (../shared/peers/churn_peer.py) measures it, so the two can be compared on the
 * same split. Columns are detected as the peer does: a text column whose non-blank values are
 * (almost) all numbers is numeric with gaps, any other text column is categorical. The split is
 * the rows listed in --test-ids, or a stratified, seeded 80/20 one. The served model is chosen
 * among the candidates (candidates.ts) by 5-fold cross-validation on the training rows only
 * (select.ts; the blend only by more than one standard error) and calibrated on its out-of-fold predictions (Platt or isotonic, whichever has the lower
 * cross-fitted Brier score there); then every candidate is refitted
 * on all training rows and scored once on the test rows, which played no part in the choice.
 * Labels are checked strictly: a --positive that matches only up to case or spaces, a training part
 * with one class, a target with more than two values and no --positive are errors that say why.
 */
import { existsSync, readFileSync } from "node:fs";
import { lit, openDb } from "../../pipelines/core/duckdb.ts";
import { readColumns } from "../shared/columnar.ts";
import { mulberry32, permutation } from "../shared/rng.ts";
import { initTf } from "../shared/tf.ts";
import { BLEND, blendFitted, defaultCandidates, fitCandidate, predictFrame, type CandidateSpec, type Fitted } from "./candidates.ts";
import { applyCalibrator, baseRate, calibrationTable, liftTopDecile, type CalibrationBin, type Calibrator } from "./evaluate.ts";
import { explainRows } from "./explain.ts";
import type { Frame } from "./prep.ts";
import { choose, scores, stratifiedFolds, type Scores } from "./select.ts";

export type GenericChurnOptions = {
  input: string; target: string; positive?: string; id?: string; testIds?: string; seed?: number;
  /** Accept target values equal to --positive up to case and surrounding spaces (reported). */
  positiveIgnoreCase?: boolean;
  /** Candidate grid (default: defaultCandidates()); `quick` shrinks it for tests. */
  candidates?: CandidateSpec[];
  folds?: number;
  /** Explain this many of the riskiest test rows in the output (default 5). */
  explain?: number;
};

export type TestScores = Scores & { accuracy_at_0_5: number; lift_top_decile: number | null; mean_predicted: number };

export type ChurnFileDoc = {
  tool: "commsight train churn";
  input: string;
  config: { target: string; positive: string; positive_values: string[]; id: string | null; seed: number };
  data: { n_rows_input: number; n_rows_used: number; n_train: number; n_test: number; positive_rate_train: number; positive_rate_test: number; categorical_columns: string[]; numeric_columns: string[] };
  split: string;
  selection: { method: string; rule: string; test_rows_used: false; blend_lead: { over: string; lead: number; se: number } | null };
  /** The served candidate, chosen on validation only. */
  selected: string;
  /** How the served candidate's probabilities are calibrated: the map chosen on its out-of-fold predictions, and the cross-fitted Brier of each. */
  calibration: { method: Calibrator["method"]; validation_brier: Record<Calibrator["method"], number> };
  models: Record<string, { family: string; validation: Scores; test: TestScores; fit_seconds: number; fit: Record<string, unknown>; calibration: Calibrator["method"] }>;
  served: { name: string; metrics: TestScores; calibration: CalibrationBin[]; platt: { a: number; b: number }; reasons: { id: string; probability: number; factors: string[] }[] };
  total_seconds: number;
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A label problem the user must fix (bad --positive, one class, ambiguous target). */
export class LabelError extends Error {}

const norm = (v: string) => v.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * Which target values are positive: exactly `positive`, plus the values equal to it up to case and
 * spaces only when `ignoreCase` is set (otherwise their presence is an error naming them).
 */
export function positiveValues(values: string[], positive: string | undefined, ignoreCase: boolean): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== "") counts.set(v, (counts.get(v) ?? 0) + 1);
  const seen = [...counts].sort((a, b) => b[1] - a[1]).map(([v, n]) => `"${v}" (${n})`).slice(0, 20).join(", ");
  if (positive === undefined) {
    throw new LabelError(counts.size > 2
      ? `churn: the target has ${counts.size} values (${seen}); say which one means churned with --positive`
      : `churn: say which target value means churned with --positive (values seen: ${seen})`);
  }
  const variants = [...counts.keys()].filter((v) => v !== positive && norm(v) === norm(positive));
  if (variants.length && !ignoreCase) {
    throw new LabelError(`churn: --positive "${positive}" ${counts.has(positive) ? "matches some rows exactly, but" : "matches no row exactly;"} ${variants.map((v) => `"${v}"`).join(", ")} differ only in case or spaces (values seen: ${seen}); fix the file or accept them with --positive-ignore-case`);
  }
  const pos = [...(counts.has(positive) ? [positive] : []), ...(ignoreCase ? variants : [])];
  if (pos.length === 0) throw new LabelError(`churn: --positive "${positive}" matches no row (values seen: ${seen})`);
  if (pos.length === counts.size) throw new LabelError(`churn: every labelled row is positive with --positive "${positive}" (values seen: ${seen}): one class, nothing to learn`);
  return pos;
}

export async function readFrameFile(file: string, target: string, positive: string | undefined, id?: string, ignoreCase = false): Promise<{ frame: Frame; nInput: number; numeric: string[]; categorical: string[]; positives: string[] }> {
  if (!existsSync(file)) throw new Error(`churn: input file ${file} does not exist`);
  const db = await openDb();
  try {
    const scan = /\.parquet$/i.test(file) ? `(SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${lit(file)}))` : `read_csv(${lit(file)}, header = true, all_varchar = true)`;
    const cols = await readColumns(db, `SELECT * FROM ${scan}`);
    const names = [...cols.data.keys()];
    for (const c of [target, ...(id ? [id] : [])]) if (!names.includes(c)) throw new Error(`churn: column ${c} is not in ${file} (columns: ${names.join(", ")})`);
    const tgt = cols.str(target).map((v) => (v ?? "").trim());
    const keep = Int32Array.from(tgt.flatMap((v, i) => (v === "" ? [] : [i])));
    const positives = positiveValues(Array.from(keep, (i) => tgt[i]!), positive, ignoreCase);
    const isPos = new Set(positives);
    const label = Float64Array.from(keep, (i) => (isPos.has(tgt[i]!) ? 1 : 0));
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
    return { frame, nInput: cols.rowCount, numeric: [...frame.numeric.keys()], categorical: [...frame.categorical.keys()], positives };
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

type Progress = (msg: string) => void;

/** Out-of-fold predictions of every candidate on the training rows. */
export async function crossValidatedPredictions(frame: Frame, train: Int32Array, specs: CandidateSpec[], folds: number, seed: number, progress: Progress = () => {}): Promise<{ predictions: Map<string, Float64Array>; seconds: Map<string, number> }> {
  const fold = stratifiedFolds(frame.label, train, folds, seed);
  const predictions = new Map<string, Float64Array>();
  const seconds = new Map<string, number>();
  for (const spec of specs) {
    const t0 = performance.now();
    const oof = new Float64Array(train.length);
    for (let f = 0; f < folds; f++) {
      const tr = train.filter((_, k) => fold[k] !== f);
      const vaPos = Int32Array.from(Array.from(train.keys()).filter((k) => fold[k] === f));
      const va = Int32Array.from(vaPos, (k) => train[k]!);
      const fitted = await fitCandidate(spec, frame, tr, { seed: seed + f });
      const p = predictFrame(fitted, frame, va);
      vaPos.forEach((k, r) => { oof[k] = p[r]!; });
      fitted.dispose();
    }
    predictions.set(spec.name, oof);
    seconds.set(spec.name, (performance.now() - t0) / 1000);
    progress(`cv ${spec.name}`);
  }
  return { predictions, seconds };
}

function testScores(y: Float64Array, p: Float64Array): TestScores {
  let correct = 0;
  for (let k = 0; k < y.length; k++) if ((p[k]! >= 0.5 ? 1 : 0) === y[k]) correct++;
  return { ...scores(y, p), accuracy_at_0_5: correct / y.length, lift_top_decile: liftTopDecile(y, p), mean_predicted: baseRate(p) };
}

export async function trainChurnFile(opts: GenericChurnOptions): Promise<ChurnFileDoc> {
  const started = performance.now();
  await initTf();
  const seed = opts.seed ?? 42;
  const folds = opts.folds ?? 5;
  const specs = opts.candidates ?? defaultCandidates();
  const { frame, nInput, numeric, categorical, positives } = await readFrameFile(opts.input, opts.target, opts.positive, opts.id, opts.positiveIgnoreCase ?? false);
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
  const yTrain = Float64Array.from(train, (i) => frame.label[i]!);
  const trainPos = yTrain.reduce((s, v) => s + v, 0);
  if (trainPos < folds || train.length - trainPos < folds) {
    throw new LabelError(`churn: the training part has ${trainPos} positive and ${train.length - trainPos} negative rows (--positive ${positives.map((v) => `"${v}"`).join(", ")}); ${folds}-fold cross-validation needs at least ${folds} of each`);
  }

  // 1. Choose on the training rows only.
  const cv = await crossValidatedPredictions(frame, train, specs, folds, seed);
  const chosen = choose(specs, cv.predictions, yTrain);

  // 2. Refit every candidate on all training rows; score each once on the test rows.
  const y = Float64Array.from(test, (i) => frame.label[i]!);
  const fitted = new Map<string, Fitted>();
  const models: ChurnFileDoc["models"] = {};
  const calibratedTest = new Map<string, Float64Array>();
  for (const spec of specs) {
    const t0 = performance.now();
    const f = await fitCandidate(spec, frame, train, { seed });
    const fitSeconds = cv.seconds.get(spec.name)! + (performance.now() - t0) / 1000;
    fitted.set(spec.name, f);
    const cal = chosen.calibration.get(spec.name)!.calibrator;
    const p = applyCalibrator(predictFrame(f, frame, test), cal);
    calibratedTest.set(spec.name, p);
    models[spec.name] = { family: spec.family, validation: chosen.validation.get(spec.name)!, test: testScores(y, p), fit_seconds: fitSeconds, fit: f.info, calibration: cal.method };
  }
  if (chosen.predictions.has(BLEND)) {
    const blend = blendFitted(chosen.blendMembers.map((m) => fitted.get(m)!), chosen.blendWeights!);
    fitted.set(BLEND, blend);
    const cal = chosen.calibration.get(BLEND)!.calibrator;
    const p = applyCalibrator(predictFrame(blend, frame, test), cal);
    calibratedTest.set(BLEND, p);
    const secs = chosen.blendMembers.reduce((s, m) => s + models[m]!.fit_seconds, 0);
    models[BLEND] = { family: "blend", validation: chosen.validation.get(BLEND)!, test: testScores(y, p), fit_seconds: secs, fit: { members: chosen.blendMembers, weights: chosen.blendWeights }, calibration: cal.method };
  }
  const served = fitted.get(chosen.selected)!;
  const p = calibratedTest.get(chosen.selected)!;
  const top = Array.from(test.keys()).sort((a, b) => p[b]! - p[a]!).slice(0, opts.explain ?? 5);
  const topRows = Int32Array.from(top, (k) => test[k]!);
  const reasons = top.length ? explainRows(served, frame, train, topRows, { seed, permutations: 32, background: 32, top: 3 }) : [];
  const doc: ChurnFileDoc = {
    tool: "commsight train churn",
    input: opts.input,
    config: { target: opts.target, positive: opts.positive!, positive_values: positives, id: opts.id ?? null, seed },
    data: {
      n_rows_input: nInput, n_rows_used: frame.n, n_train: train.length, n_test: test.length,
      positive_rate_train: baseRate(yTrain), positive_rate_test: baseRate(y),
      categorical_columns: categorical, numeric_columns: numeric,
    },
    split,
    selection: { method: `${folds}-fold stratified cross-validation on the ${train.length} training rows (out-of-fold predictions)`, rule: "highest validation ROC AUC, ties by log loss; the blend only when it leads the best single candidate by more than one standard error of the paired difference (DeLong); calibrated by Platt scaling or isotonic regression fitted on the served candidate's out-of-fold predictions, whichever has the lower cross-fitted Brier score there", test_rows_used: false, blend_lead: chosen.blendLead },
    selected: chosen.selected,
    calibration: { method: chosen.calibration.get(chosen.selected)!.calibrator.method, validation_brier: chosen.calibration.get(chosen.selected)!.brier },
    models,
    served: {
      name: chosen.selected, metrics: models[chosen.selected]!.test, calibration: calibrationTable(y, p), platt: chosen.platt.get(chosen.selected)!,
      reasons: top.map((k, r) => ({ id: frame.ids[test[k]!]!, probability: p[k]!, factors: reasons[r]! })),
    },
    total_seconds: (performance.now() - started) / 1000,
  };
  for (const f of fitted.values()) if (!(f as { members?: unknown }).members) f.dispose();
  return doc;
}
