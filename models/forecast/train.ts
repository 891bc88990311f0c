/**
 * The forecast network (tfjs): a linear path plus a small ReLU path (16 units), summed —
 * the linear part carries level/lag/trend, the hidden part learns interactions such as
 * series × weekday × holiday. Trained with MSE on log1p(y) − seasonal base, L2 on kernels.
 */
import { tf } from "../shared/tf.ts";
import { fitModel, predictColumn } from "../shared/train.ts";
import { buildRows, fitScaler, scale, trainingTriples, type Design, type ForecastData, type Scaler } from "./features.ts";

export type ForecastTrainOptions = { epochs: number; seed: number; hMax: number; hidden: number; l2: number; learningRate: number };

export const DEFAULT_HIDDEN = 16;
export const DEFAULT_L2 = 1e-4;
export const DEFAULT_LEARNING_RATE = 0.01;

export function buildForecastModel(p: number, hidden: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [p], name: "features" });
  const linear = tf.layers.dense({ units: 1, name: "linear", kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input) as tf.SymbolicTensor;
  const h = tf.layers.dense({ units: hidden, activation: "relu", name: "hidden", kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }).apply(input) as tf.SymbolicTensor;
  const nonlinear = tf.layers.dense({ units: 1, name: "hidden_out", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.add({ name: "log_residual" }).apply([linear, nonlinear]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "volume_forecast" });
}

export type TrainedForecast = { model: tf.LayersModel; scaler: Scaler; nTrain: number; trainLoss: number; lastTarget: number };

/** Train on every target day up to `lastTarget` (day offset). */
export async function trainForecastModel(d: ForecastData, lastTarget: number, opts: ForecastTrainOptions): Promise<TrainedForecast> {
  const design = buildRows(d, trainingTriples(d, lastTarget, opts.hMax, opts.seed));
  if (design.n < 50) throw new Error(`forecast: only ${design.n} training rows up to day ${lastTarget}; the series is too short`);
  const scaler = fitScaler(design.x, design.n, design.p);
  const z = scale(design.x, design.n, design.p, scaler);
  const y = new Float32Array(design.n);
  for (let r = 0; r < design.n; r++) y[r] = d.ly[design.series[r]!]![design.target[r]!]! - design.base[r]!;
  const model = buildForecastModel(design.p, opts.hidden, opts.seed);
  const batchSize = Math.min(4096, Math.max(64, 2 ** Math.round(Math.log2(design.n / 10)))); // ~10 steps per epoch
  const trainLoss = await fitModel(model, z, y, design.n, design.p, {
    epochs: opts.epochs, batchSize, learningRate: opts.learningRate, seed: opts.seed, l2: opts.l2, loss: "mse",
  });
  return { model, scaler, nTrain: design.n, trainLoss, lastTarget };
}

/** Log-scale predictions (base + network output) for a design. */
export function predictLog(model: tf.LayersModel, scaler: Scaler, design: Design): Float64Array {
  const out = predictColumn(model, scale(design.x, design.n, design.p, scaler), design.n, design.p);
  for (let r = 0; r < design.n; r++) out[r] = out[r]! + design.base[r]!;
  return out;
}
