/**
 * The pipeline's churn model: candidates of every family (candidates.ts) fitted on the training
 * snapshots, compared on a later window of snapshots (never the test window), the best one
 * Platt-calibrated on that window (select.ts), then refitted on every snapshot labelled before the
 * window it scores (refitChurn).
 * Churners are rare (well under 1% of contact-weeks), so negatives are subsampled to at most
 * MAX_NEGATIVES and weighted by the inverse of the sampling rate: the fit matches the full data in
 * expectation, and the probabilities stay on the true scale before calibration refines them.
 * Cost (small demo, ~1,300 training churners among 670,000 contact-weeks): 40,000 negatives and one
 * seed per family chose and scored as well on the validation window as 120,000 negatives and two
 * seeds did, at a third of the CPU (README, Models: churn).
 */
import { GBDT_DEFAULTS } from "../shared/gbdt.ts";
import { MLP_DEFAULTS } from "../shared/mlp.ts";
import { mulberry32 } from "../shared/rng.ts";
import { blendFitted, BLEND, fitCandidate, predictFrame, type CandidateSpec, type Expansions, type Fitted } from "./candidates.ts";
import { applyPlatt } from "./evaluate.ts";
import { martExpansion, rowsAt, type SnapshotFrame } from "./mart.ts";
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

/** Labelled rows at `dates`, negatives subsampled (seeded), with their weights (by frame row). */
export function sampledRows(frame: SnapshotFrame, dates: number[], seed: number): { rows: Int32Array; weights: Float64Array; n: number } {
  const all = rowsAt(frame, dates, true);
  let neg = 0;
  for (const i of all) if (frame.label[i] === 0) neg++;
  const rate = Math.min(1, MAX_NEGATIVES / Math.max(1, neg));
  const rng = mulberry32(seed);
  const rows: number[] = [];
  const weights = new Float64Array(frame.n).fill(1);
  for (const i of all) {
    if (frame.label[i] === 1) rows.push(i);
    else if (rng() < rate) { rows.push(i); weights[i] = 1 / rate; }
  }
  return { rows: Int32Array.from(rows), weights, n: all.length };
}

function trainingRows(frame: SnapshotFrame, dates: number[], seed: number) {
  const s = sampledRows(frame, dates, seed);
  if (s.rows.length === 0) throw new Error("churn: no labelled training rows");
  const y = labels(frame, s.rows);
  const positives = y.reduce((a, v) => a + v, 0);
  if (positives === 0 || positives === s.rows.length) throw new Error(`churn: the training snapshots have ${positives} churners among ${s.rows.length} rows: one class, nothing to learn`);
  return s;
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
 * Evaluation: every candidate fitted on `trainDates`, compared and calibrated on `validationDates`
 * (a later window). Returns all fitted candidates (for their test scores) and the chosen one.
 */
export async function selectChurn(frame: SnapshotFrame, specs: CandidateSpec[], trainDates: number[], validationDates: number[], seed: number): Promise<SelectedChurn> {
  const { rows, weights, n } = trainingRows(frame, trainDates, seed);
  const valRows = rowsAt(frame, validationDates, true);
  const yVal = labels(frame, valRows);
  const candidates = new Map<string, Fitted>();
  const predictions = new Map<string, Float64Array>();
  for (const spec of specs) {
    const f = await fitCandidate(spec, frame, rows, { seed, weights, expansions: PIPELINE_EXPANSIONS });
    candidates.set(spec.name, f);
    predictions.set(spec.name, predictFrame(f, frame, valRows));
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
 * hyper-parameters on every snapshot of `trainDates` — for the served model, every snapshot whose
 * label is known before the scored window, so it has seen the most recent behaviour — its
 * probabilities mapped by the Platt map fitted on the validation window (`calibration`), where the
 * same candidate, trained on earlier snapshots only, predicted rows it had not seen.
 */
export async function refitChurn(frame: SnapshotFrame, specs: CandidateSpec[], name: string, blend: Pick<Validated, "blendMembers" | "blendWeights">, trainDates: number[], calibration: { platt: Platt; n: number }, seed: number): Promise<FittedChurn> {
  const { rows, weights, n } = trainingRows(frame, trainDates, seed);
  const model = await fitNamed(specs, name, blend, frame, rows, weights, seed);
  return { model, platt: calibration.platt, nTrain: n, nTrainUsed: rows.length, nCalibration: calibration.n };
}

export { applyPlatt };
