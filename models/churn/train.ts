/**
 * The pipeline's churn model: candidates of every family (candidates.ts) fitted on the training
 * snapshots, compared on a later window of snapshots (never the test window), the best one
 * Platt-calibrated on that window (select.ts), then refitted on every snapshot labelled before the
 * window it scores (refitChurn).
 * Churners are rare (well under 1% of contact-weeks), so negatives are subsampled to about
 * MAX_NEGATIVES (in SQL, by a seeded hash of contact and snapshot: mart.ts loadSample) and weighted by the inverse of the sampling rate: the fit matches the full data in
 * expectation, and the probabilities stay on the true scale before calibration refines them.
 * Cost (small demo, ~1,300 training churners among 670,000 contact-weeks): 40,000 negatives and one
 * seed per family chose and scored as well on the validation window as 120,000 negatives and two
 * seeds did, at a third of the CPU (README, Models: churn).
 */
import { GBDT_DEFAULTS } from "../shared/gbdt.ts";
import { MLP_DEFAULTS } from "../shared/mlp.ts";
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { blendFitted, BLEND, fitCandidate, predictFrame, type CandidateSpec, type Expansions, type Fitted } from "./candidates.ts";
import { applyPlatt } from "./evaluate.ts";
import { allRows, countAt, loadSample, martExpansion, negativeRate, rowsAt, type SnapshotFrame, type SnapshotIndex } from "./mart.ts";
import { labels } from "./prep.ts";
import { choose, type Validated } from "./select.ts";

export const MAX_NEGATIVES = 40_000;
/** 1 ÷ C: with 10⁵ rows a light touch that only steadies rare indicators. */
export const LAMBDA = 1;

export type Platt = { a: number; b: number };

/**
 * The candidates for the weekly snapshots. `epochs` (models.churn.epochs) bounds the MLP's epochs;
 * early stopping usually ends it sooner.
 */
export function pipelineCandidates(epochs: number): CandidateSpec[] {
  return [
    { name: "logistic λ=1", family: "logistic", lambda: LAMBDA },
    { name: "mlp 64-32", family: "mlp", options: { ...MLP_DEFAULTS, batchSize: 512, learningRate: 3e-3, maxEpochs: epochs, patience: 6, seeds: 1 } },
    { name: "gbdt depth 4", family: "gbdt", options: { ...GBDT_DEFAULTS, learningRate: 0.1, maxTrees: 400, patience: 30, minChildWeight: 2, minSamplesLeaf: 20 }, seeds: 1 },
  ];
}

/** Counts enter the logistic model as log(1 + x); the other families read the columns as they are. */
export const PIPELINE_EXPANSIONS: Expansions = { logistic: martExpansion };

export type FittedChurn = {
  model: Fitted;
  platt: Platt;
  nTrain: number;
  nTrainUsed: number;
  nCalibration: number;
};

/**
 * A training window's rows as the fits use them: a seeded sample read in SQL (mart.ts loadSample):
 * every churner, negatives at the rate keeping about MAX_NEGATIVES, each weighted 1/rate. `n`: the
 * window's labelled rows (from the counts, none of them read).
 */
export type TrainingSample = { frame: SnapshotFrame; rows: Int32Array; weights: Float64Array; n: number; rate: number };

export async function trainingSample(db: Db, paths: Paths, index: SnapshotIndex, dates: readonly number[], seed: number, maxNegatives = MAX_NEGATIVES): Promise<TrainingSample> {
  const n = countAt(index, dates, "labelled");
  if (n === 0) throw new Error("churn: no labelled training rows");
  const positives = countAt(index, dates, "positives");
  if (positives === 0 || positives === n) throw new Error(`churn: the training snapshots have ${positives} churners among ${n} rows: one class, nothing to learn`);
  const rate = negativeRate(index, dates, maxNegatives);
  const frame = await loadSample(db, paths, index, dates, rate, seed);
  return { frame, rows: allRows(frame), weights: frame.weight!, n, rate };
}

/** Raw probabilities for many rows, at most CHUNK_ROWS design rows at a time (bounded memory). */
export const CHUNK_ROWS = 100_000;
export function predictRows(f: Fitted, frame: SnapshotFrame, rows: Int32Array): Float64Array {
  if (rows.length <= CHUNK_ROWS) return predictFrame(f, frame, rows);
  const out = new Float64Array(rows.length);
  for (let at = 0; at < rows.length; at += CHUNK_ROWS) out.set(predictFrame(f, frame, rows.subarray(at, at + CHUNK_ROWS)), at);
  return out;
}

/** Fit the named candidate (or the blend of the named members) on the training snapshots. */
async function fitNamed(specs: CandidateSpec[], name: string, blend: Pick<Validated, "blendMembers" | "blendWeights">, frame: SnapshotFrame, rows: Int32Array, weights: Float64Array, seed: number): Promise<Fitted> {
  const ctx = { seed, weights, expansions: PIPELINE_EXPANSIONS };
  if (name === BLEND) {
    const members: Fitted[] = [];
    for (const m of blend.blendMembers) members.push(await fitCandidate(specs.find((s) => s.name === m)!, frame, rows, ctx));
    return blendFitted(members, blend.blendWeights!);
  }
  return fitCandidate(specs.find((s) => s.name === name)!, frame, rows, ctx);
}

export type SelectedChurn = FittedChurn & { validated: Validated; candidates: Map<string, Fitted> };

/**
 * Evaluation: every candidate fitted on the training sample, compared and calibrated on the
 * validation frame (a later window of snapshots, read whole). Returns all fitted candidates (for their test scores) and the chosen one.
 */
export async function selectChurn(sample: TrainingSample, validation: SnapshotFrame, specs: CandidateSpec[], seed: number): Promise<SelectedChurn> {
  const { frame, rows, weights, n } = sample;
  const valRows = rowsAt(validation, [...new Set(validation.asOf)], true);
  const yVal = labels(validation, valRows);
  const candidates = new Map<string, Fitted>();
  const predictions = new Map<string, Float64Array>();
  for (const spec of specs) {
    const f = await fitCandidate(spec, frame, rows, { seed, weights, expansions: PIPELINE_EXPANSIONS });
    candidates.set(spec.name, f);
    predictions.set(spec.name, predictRows(f, validation, valRows));
  }
  const validated = choose(specs, predictions, yVal);
  if (validated.predictions.has(BLEND)) candidates.set(BLEND, blendFitted(validated.blendMembers.map((m) => candidates.get(m)!), validated.blendWeights!));
  return {
    model: candidates.get(validated.selected)!, platt: validated.platt.get(validated.selected)!, validated, candidates,
    nTrain: n, nTrainUsed: rows.length, nCalibration: valRows.length,
  };
}

/**
 * The chosen candidate (a blend: its members, the stack weights kept) refitted with the same
 * hyper-parameters on the sample of every snapshot of its window — for the served model, every snapshot whose
 * label is known before the scored window, so it has seen the most recent behaviour — its
 * probabilities mapped by the Platt map fitted on the validation window (`calibration`), where the
 * same candidate, trained on earlier snapshots only, predicted rows it had not seen.
 */
export async function refitChurn(sample: TrainingSample, specs: CandidateSpec[], name: string, blend: Pick<Validated, "blendMembers" | "blendWeights">, calibration: { platt: Platt; n: number }, seed: number): Promise<FittedChurn> {
  const model = await fitNamed(specs, name, blend, sample.frame, sample.rows, sample.weights, seed);
  return { model, platt: calibration.platt, nTrain: sample.n, nTrainUsed: sample.rows.length, nCalibration: calibration.n };
}

export { applyPlatt };
