/**
 * The opportunity model: L2 logistic regression by Newton's method on tfjs (shared/logistic.ts) over
 * the standardised snapshot features (churn's preprocessing: counts as log(1 + x), categories
 * one-hot), negatives subsampled and reweighted, then Platt scaling fitted on a later window.
 */
import { applyPlatt, fitPlatt, logit } from "../churn/evaluate.ts";
import { martExpansion, rowsAt, type SnapshotFrame } from "../churn/mart.ts";
import { designMatrix, fitPreprocessor, labels, type Preprocessor } from "../churn/prep.ts";
import { fitLogistic, logisticModel, type LogisticFit } from "../shared/logistic.ts";
import { mulberry32 } from "../shared/rng.ts";
import { predictColumn } from "../shared/train.ts";
import type { tf } from "../shared/tf.ts";

export const MAX_NEGATIVES = 120_000;
export const LAMBDA = 1;

export type Scorer = { model: tf.LayersModel; prep: Preprocessor; platt: { a: number; b: number }; kernel: ArrayLike<number> };
export type Fitted = Scorer & { fit: LogisticFit; nTrain: number; nTrainUsed: number; nCalibration: number };

export function fitOpportunity(frame: SnapshotFrame, trainDates: number[], calibDates: number[], seed: number): Fitted {
  const all = rowsAt(frame, trainDates, true);
  let neg = 0;
  for (const i of all) if (frame.label[i] === 0) neg++;
  const rate = Math.min(1, MAX_NEGATIVES / Math.max(1, neg));
  const rng = mulberry32(seed);
  const kept: number[] = [];
  const w: number[] = [];
  for (const i of all) {
    if (frame.label[i] === 1) { kept.push(i); w.push(1); } else if (rng() < rate) { kept.push(i); w.push(1 / rate); }
  }
  const rows = Int32Array.from(kept);
  const y = labels(frame, rows);
  const positives = y.reduce((a, v) => a + v, 0);
  if (positives === 0 || positives === rows.length) throw new Error(`opportunity: the training snapshots have ${positives} positives among ${rows.length} rows: nothing to learn`);
  const prep = fitPreprocessor(frame, rows, martExpansion);
  const p = prep.features.length;
  const fit = fitLogistic(designMatrix(frame, rows, prep), y, rows.length, p, LAMBDA, Float32Array.from(w));
  const model = logisticModel(fit);
  const calRows = rowsAt(frame, calibDates, true);
  const raw = predictColumn(model, designMatrix(frame, calRows, prep), calRows.length, p);
  const platt = calRows.length ? fitPlatt(Float64Array.from(raw, logit), labels(frame, calRows)) : { a: 1, b: 0 };
  return { model, prep, platt, kernel: fit.kernel, fit, nTrain: all.length, nTrainUsed: rows.length, nCalibration: calRows.length };
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
