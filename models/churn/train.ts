/**
 * The churn model: L2 logistic regression (Newton's method on tfjs, shared/logistic.ts) on the
 * snapshot features, then Platt scaling fitted on a later window the model never saw.
 * Churners are rare (well under 1% of contact-weeks), so negatives are subsampled to at most
 * MAX_NEGATIVES and weighted by the inverse of the sampling rate: the fit matches the full data in
 * expectation, and the probabilities stay on the true scale before calibration refines them.
 */
import { fitLogistic, logisticModel, predictProba, type LogisticFit } from "../shared/logistic.ts";
import { mulberry32 } from "../shared/rng.ts";
import type { tf } from "../shared/tf.ts";
import { fitPlatt, logit } from "./evaluate.ts";
import { martExpansion, rowsAt, type SnapshotFrame } from "./mart.ts";
import { designMatrix, fitPreprocessor, labels, type Preprocessor } from "./prep.ts";

export const MAX_NEGATIVES = 120_000;
/** 1 ÷ C: with 10⁵ rows a light touch that only steadies rare indicators. */
export const LAMBDA = 1;

export type Platt = { a: number; b: number };

export type FittedChurn = {
  model: tf.LayersModel;
  fit: LogisticFit;
  prep: Preprocessor;
  platt: Platt;
  nTrain: number;
  nTrainUsed: number;
  nCalibration: number;
};

/** Labelled rows at `dates`, negatives subsampled (seeded), with their weights. */
export function sampledRows(frame: SnapshotFrame, dates: number[], seed: number): { rows: Int32Array; weights: Float32Array; n: number } {
  const all = rowsAt(frame, dates, true);
  let neg = 0;
  for (const i of all) if (frame.label[i] === 0) neg++;
  const rate = Math.min(1, MAX_NEGATIVES / Math.max(1, neg));
  const rng = mulberry32(seed);
  const rows: number[] = [];
  const weights: number[] = [];
  for (const i of all) {
    if (frame.label[i] === 1) { rows.push(i); weights.push(1); } else if (rng() < rate) { rows.push(i); weights.push(1 / rate); }
  }
  return { rows: Int32Array.from(rows), weights: Float32Array.from(weights), n: all.length };
}

export function fitChurn(frame: SnapshotFrame, trainDates: number[], calibDates: number[], seed: number): FittedChurn {
  const { rows, weights, n } = sampledRows(frame, trainDates, seed);
  if (rows.length === 0) throw new Error("churn: no labelled training rows");
  const y = labels(frame, rows);
  const positives = y.reduce((s, v) => s + v, 0);
  if (positives === 0 || positives === rows.length) throw new Error(`churn: training labels are all ${positives ? "true" : "false"} (${rows.length} rows)`);
  const prep = fitPreprocessor(frame, rows, martExpansion);
  const p = prep.features.length;
  const fit = fitLogistic(designMatrix(frame, rows, prep), y, rows.length, p, LAMBDA, weights);
  const calRows = rowsAt(frame, calibDates, true);
  const raw = predictProba(designMatrix(frame, calRows, prep), calRows.length, p, fit);
  const platt = calRows.length ? fitPlatt(Float64Array.from(raw, logit), labels(frame, calRows)) : { a: 1, b: 0 };
  return { model: logisticModel(fit), fit, prep, platt, nTrain: n, nTrainUsed: rows.length, nCalibration: calRows.length };
}

