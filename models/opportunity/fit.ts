/**
 * The opportunity model: L2 logistic regression by Newton's method on tfjs (shared/logistic.ts) over
 * the standardised snapshot features (churn's preprocessing: counts as log(1 + x), categories
 * one-hot), negatives subsampled in SQL (a seeded hash of contact and snapshot) and reweighted, then
 * Platt scaling fitted on a later window.
 */
import { applyPlatt, fitPlatt, logit } from "../churn/evaluate.ts";
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { allRows, countAt, loadSample, martExpansion, negativeRate, rowsAt, type SnapshotFrame, type SnapshotIndex } from "../churn/mart.ts";
import { designMatrix, fitPreprocessor, labels, type Preprocessor } from "../churn/prep.ts";
import { fitLogistic, logisticModel, type LogisticFit } from "../shared/logistic.ts";
import { predictColumn } from "../shared/train.ts";
import type { tf } from "../shared/tf.ts";

export const MAX_NEGATIVES = 120_000;
export const LAMBDA = 1;

export type Scorer = { model: tf.LayersModel; prep: Preprocessor; platt: { a: number; b: number }; kernel: ArrayLike<number> };
export type Fitted = Scorer & { fit: LogisticFit; nTrain: number; nTrainUsed: number; nCalibration: number };

/** The training window's seeded sample (every positive, negatives at the rate keeping about MAX_NEGATIVES, weighted 1/rate), read in SQL. */
export async function opportunitySample(db: Db, paths: Paths, index: SnapshotIndex, dates: readonly number[], seed: number): Promise<{ frame: SnapshotFrame; n: number }> {
  const n = countAt(index, dates, "labelled");
  const positives = countAt(index, dates, "positives");
  if (positives === 0 || positives === n) throw new Error(`opportunity: the training snapshots have ${positives} positives among ${n} rows: nothing to learn`);
  return { frame: await loadSample(db, paths, index, dates, negativeRate(index, dates, MAX_NEGATIVES), seed), n };
}

/** Fit on the sample; Platt scaling on the calibration frame (a later window, read whole). */
export function fitOpportunity(sample: { frame: SnapshotFrame; n: number }, calib: SnapshotFrame | null): Fitted {
  const { frame } = sample;
  const rows = allRows(frame);
  const y = labels(frame, rows);
  const prep = fitPreprocessor(frame, rows, martExpansion);
  const p = prep.features.length;
  const fit = fitLogistic(designMatrix(frame, rows, prep), y, rows.length, p, LAMBDA, Float32Array.from(frame.weight!));
  const model = logisticModel(fit);
  const calRows = calib ? rowsAt(calib, [...new Set(calib.asOf)], true) : new Int32Array(0);
  const raw = calib ? score({ model, prep, platt: { a: 1, b: 0 }, kernel: fit.kernel }, calib, calRows).raw : new Float64Array(0);
  const platt = calRows.length ? fitPlatt(Float64Array.from(raw, logit), labels(calib!, calRows)) : { a: 1, b: 0 };
  return { model, prep, platt, kernel: fit.kernel, fit, nTrain: sample.n, nTrainUsed: rows.length, nCalibration: calRows.length };
}

/** Calibrated probabilities (through the tfjs model) and the design used. */
export function score(s: Scorer, frame: SnapshotFrame, rows: Int32Array): { x: Float32Array; raw: Float64Array; probability: Float64Array } {
  const x = designMatrix(frame, rows, s.prep);
  const raw = predictColumn(s.model, x, rows.length, s.prep.features.length);
  return { x, raw, probability: applyPlatt(raw, s.platt) };
}

/** 'high' = top 10%, 'medium' = next 20%, 'low' = the rest (ties by contact id). */
export function bands(probability: Float64Array, ids: string[]): string[] {
  const n = probability.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probability[b]! - probability[a]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const out = new Array<string>(n);
  order.forEach((i, r) => { out[i] = r < Math.ceil(n * 0.1) ? "high" : r < Math.ceil(n * 0.3) ? "medium" : "low"; });
  return out;
}
