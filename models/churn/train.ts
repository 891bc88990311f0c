/**
 * The churn model: L2-regularised logistic regression in tfjs (one dense unit, sigmoid) on the
 * standardised features, trained with class weights (n / (2·n_class)) so both classes count
 * equally; the inflated probabilities this gives are then Platt-calibrated on a later,
 * held-out snapshot ("the recipe").
 */
import { tf } from "../shared/tf.ts";
import { fitModel, predictColumn } from "../shared/train.ts";
import { designMatrix, fitPreprocessor, labels, rowsFor, type ChurnFrame, type Preprocessor } from "./features.ts";
import { fitPlatt, logit } from "./evaluate.ts";

export type ChurnTrainOptions = { epochs: number; seed: number; l2: number; learningRate: number };

export const DEFAULT_L2 = 1e-3;
export const DEFAULT_LEARNING_RATE = 0.02;

export function buildChurnModel(p: number, seed: number): tf.LayersModel {
  const model = tf.sequential({ name: "churn_logistic" });
  model.add(tf.layers.dense({
    units: 1,
    inputShape: [p],
    activation: "sigmoid",
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: "zeros",
    name: "logit",
  }));
  return model;
}

/** Batch size giving ~40 steps per epoch, within [128, 4096]. */
export function batchSizeFor(n: number): number {
  return Math.min(4096, Math.max(128, 2 ** Math.round(Math.log2(Math.max(1, n / 40)))));
}

export type FittedRecipe = {
  model: tf.LayersModel;
  prep: Preprocessor;
  platt: { a: number; b: number };
  plattInSample: boolean;
  nTrain: number;
  nCalibration: number;
  trainLoss: number;
};

/**
 * Fit preprocessing and the model on `trainDates`, then Platt scaling on `calibDates`
 * (or, if there is none, on the training rows themselves).
 */
export async function fitRecipe(frame: ChurnFrame, trainDates: number[], calibDates: number[], opts: ChurnTrainOptions): Promise<FittedRecipe> {
  const trainRows = rowsFor(frame, trainDates, true);
  if (trainRows.length === 0) throw new Error("churn: no labelled training rows");
  const prep = fitPreprocessor(frame, trainRows);
  const p = prep.features.length;
  const x = designMatrix(frame, trainRows, prep);
  const y = labels(frame, trainRows);
  const n = trainRows.length;
  let nPos = 0;
  for (const v of y) nPos += v;
  if (nPos === 0 || nPos === n) throw new Error(`churn: training labels are all ${nPos ? "true" : "false"} (${n} rows)`);
  const wPos = n / (2 * nPos);
  const wNeg = n / (2 * (n - nPos));
  const rowWeights = Float32Array.from(y, (v) => (v === 1 ? wPos : wNeg));
  const model = buildChurnModel(p, opts.seed);
  const trainLoss = await fitModel(model, x, y, n, p, {
    epochs: opts.epochs,
    batchSize: batchSizeFor(n),
    learningRate: opts.learningRate,
    seed: opts.seed,
    l2: opts.l2,
    loss: "bce",
    rowWeights,
  });
  const calRows = calibDates.length ? rowsFor(frame, calibDates, true) : trainRows;
  const calX = calRows === trainRows ? x : designMatrix(frame, calRows, prep);
  const raw = predictColumn(model, calX, calRows.length, p);
  const platt = fitPlatt(Float64Array.from(raw, logit), labels(frame, calRows));
  return { model, prep, platt, plattInSample: calRows === trainRows, nTrain: n, nCalibration: calRows.length, trainLoss };
}

/** The linear model's kernel (one weight per feature) and bias. */
export function linearWeights(model: tf.LayersModel): { kernel: Float32Array; bias: number } {
  const [k, b] = model.getLayer("logit").getWeights();
  return { kernel: k!.dataSync() as Float32Array, bias: b!.dataSync()[0]! };
}
