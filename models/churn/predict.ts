/** Scoring contacts: calibrated probability, probability risk band, top factor in words, and the churn_risk mart. */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import { loadModelVersion } from "../shared/modelStore.ts";
import { restoreFitted, type CandidateSpec, type Fitted } from "./candidates.ts";
import { applyPlatt, baseRate } from "./evaluate.ts";
import { topFactorsOf } from "./explain.ts";
import type { SnapshotFrame } from "./mart.ts";
import type { Preprocessor } from "./prep.ts";
import { predictRows, type Platt } from "./train.ts";

export const CHURN_MART = "churn_risk";

/**
 * Risk bands are probability bands set from the newest labelled snapshots (the served model is
 * trained on them; its Platt map comes from the validation window): 'high' = a calibrated probability of
 * at least HIGH_LIFT × that window's observed churn rate over the horizon, 'medium' = at least
 * MEDIUM_LIFT ×, 'low' = the rest. How many contacts are 'high' therefore changes with their risk,
 * not with a quota.
 */
export const HIGH_LIFT = 5;
export const MEDIUM_LIFT = 2;

export type Bands = { baseRate: number; high: number; medium: number };

/** Non-linear models explain at most this many contacts per run (the riskiest); see writeChurnRisk. */
export const MAX_EXPLAINED = 20_000;
export const NOT_EXPLAINED = "low risk: no reason computed";

export type ChurnMeta = {
  kind: "churn";
  spec: CandidateSpec;
  prep: Preprocessor;
  state: Record<string, unknown>;
  platt: Platt;
  bands: Bands;
  dataEnd: string;
  labelWindowDays: number;
};

export type Scorer = { model: Fitted; platt: Platt; bands: Bands; horizonDays: number; dispose(): void };

/** Bands from the calibration window's observed churn rate. */
export function bandsFrom(calibrationLabels: ArrayLike<number>): Bands {
  return bandsFromRate(baseRate(calibrationLabels));
}

/** Bands from an observed churn rate (e.g. positives ÷ labelled rows counted in SQL). */
export function bandsFromRate(rate: number): Bands {
  const r = Number.isFinite(rate) ? rate : 0;
  return { baseRate: r, high: Math.min(1, HIGH_LIFT * r), medium: Math.min(1, MEDIUM_LIFT * r) };
}

/** Calibrated probabilities and raw ones. */
export function score(s: Pick<Scorer, "model" | "platt">, frame: SnapshotFrame, rows: Int32Array): { raw: Float64Array; probability: Float64Array } {
  const raw = predictRows(s.model, frame, rows);
  return { raw, probability: applyPlatt(raw, s.platt) };
}

export function riskBand(probability: number, bands: Bands): "high" | "medium" | "low" {
  return probability >= bands.high ? "high" : probability >= bands.medium ? "medium" : "low";
}

/**
 * Score the rows and write churn_risk (one row per contact of the scoring snapshot). A linear
 * model's reasons are exact and cheap, so every contact gets one; a non-linear model's are sampled
 * Shapley values (explain.ts), computed for the high and medium bands (at most MAX_EXPLAINED, the
 * riskiest first); low-band contacts beyond that read NOT_EXPLAINED.
 */
export async function writeChurnRisk(db: Db, paths: Paths, s: Scorer, frame: SnapshotFrame, rows: Int32Array, background: Int32Array, version: string, seed: number): Promise<{ path: string; rows: number }> {
  const { probability } = score(s, frame, rows);
  const bands = Array.from(probability, (p) => riskBand(p, s.bands));
  const factors = new Array<string>(rows.length).fill(NOT_EXPLAINED);
  const order = Array.from(rows.keys()).sort((a, b) => probability[b]! - probability[a]! || a - b);
  const explain = s.model.kernel ? order : order.filter((k) => bands[k] !== "low").slice(0, MAX_EXPLAINED);
  const explainRows = Int32Array.from(explain, (k) => rows[k]!);
  const words = topFactorsOf(s.model, frame, background, explainRows, { seed, permutations: 6, background: 64 });
  explain.forEach((k, r) => { factors[k] = words[r]!; });
  const ids = Array.from(rows, (i) => frame.ids[i]!);
  const segment = frame.categorical.get("segment");
  await loadTable(db, "churn_scores", [
    { name: "contact_id", type: "VARCHAR", values: ids },
    { name: "segment", type: "VARCHAR", values: Array.from(rows, (i) => segment?.[i] ?? "Unknown") },
    { name: "as_of", type: "DATE", values: Array.from(rows, (i) => frame.asOf[i]!) },
    { name: "churn_probability", type: "DOUBLE", values: probability },
    { name: "risk_band", type: "VARCHAR", values: bands },
    { name: "top_factor", type: "VARCHAR", values: factors },
    { name: "risk_band_min_probability", type: "DOUBLE", values: bands.map((b) => (b === "high" ? s.bands.high : b === "medium" ? s.bands.medium : 0)) },
  ]);
  return writeMart(db, paths, CHURN_MART, `
    SELECT contact_id, segment, as_of, churn_probability, risk_band, top_factor,
           '${version.replaceAll("'", "''")}'::VARCHAR AS model_version,
           ${Math.round(s.horizonDays)}::INTEGER AS horizon_days, risk_band_min_probability
    FROM churn_scores ORDER BY churn_probability DESC, contact_id`);
}

/** A saved churn version, ready to score. */
export async function loadChurnVersion(paths: Paths, version: string): Promise<Scorer & { version: string; meta: ChurnMeta }> {
  const v = await loadModelVersion<ChurnMeta>(paths, "churn", version);
  if (v.metadata.kind !== "churn" || !v.metadata.spec) throw new Error(`${v.dir} is not a churn model version of this format`);
  const model = restoreFitted(v.metadata.spec, v.metadata.prep, v.metadata.state, v.parts);
  return { version, meta: v.metadata, model, platt: v.metadata.platt, bands: v.metadata.bands, horizonDays: v.metadata.labelWindowDays, dispose: () => model.dispose() };
}
