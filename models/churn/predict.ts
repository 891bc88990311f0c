/** Scoring the latest snapshot: calibrated probability, risk band, plain-words top factor, the mart. */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { tf } from "../shared/tf.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import { loadModelVersion } from "../shared/modelStore.ts";
import { predictColumn } from "../shared/train.ts";
import { applyPlatt } from "./evaluate.ts";
import { describeFeature, designMatrix, isActive, type ChurnFrame, type Preprocessor } from "./features.ts";
import { linearWeights } from "./train.ts";

export const CHURN_MART = "churn_risk";
export const NO_FACTOR = "no risk factor above the average contact";

export type ChurnModelMetadata = { kind: "churn"; preprocessor: Preprocessor; platt: { a: number; b: number }; seed: number };

/** Calibrated churn probabilities for frame rows. */
export function scoreRows(model: tf.LayersModel, prep: Preprocessor, platt: { a: number; b: number }, frame: ChurnFrame, rows: Int32Array): { x: Float32Array; raw: Float64Array; probability: Float64Array } {
  const p = prep.features.length;
  const x = designMatrix(frame, rows, prep);
  const raw = predictColumn(model, x, rows.length, p);
  return { x, raw, probability: applyPlatt(raw, platt) };
}

/**
 * Per row, the feature with the largest positive contribution to the log-odds
 * (weight × standardised value, i.e. relative to the average training contact), in words.
 */
export function topFactors(model: tf.LayersModel, prep: Preprocessor, frame: ChurnFrame, rows: Int32Array, x: Float32Array): string[] {
  const { kernel } = linearWeights(model);
  const p = prep.features.length;
  return Array.from(rows, (i, k) => {
    let best = -1;
    let bestC = 0;
    for (let j = 0; j < p; j++) {
      const c = kernel[j]! * x[k * p + j]!;
      if (c > bestC && isActive(prep.features[j]!, frame, i)) { bestC = c; best = j; }
    }
    return best < 0 ? NO_FACTOR : describeFeature(prep.features[best]!, frame, i, x[k * p + best]! > 0);
  });
}

/** 'high' = top 10%, 'medium' = next 20%, 'low' = the rest (ties by contact id). */
export function riskBands(probability: Float64Array, contactIds: string[]): string[] {
  const n = probability.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => probability[b]! - probability[a]! || (contactIds[a]! < contactIds[b]! ? -1 : contactIds[a]! > contactIds[b]! ? 1 : 0),
  );
  const high = Math.ceil(n * 0.1);
  const medium = Math.ceil(n * 0.3);
  const bands = new Array<string>(n);
  order.forEach((i, r) => { bands[i] = r < high ? "high" : r < medium ? "medium" : "low"; });
  return bands;
}

export async function writeChurnRisk(
  db: Db, paths: Paths, frame: ChurnFrame, rows: Int32Array, probability: Float64Array, factors: string[], version: string,
): Promise<{ path: string; rows: number }> {
  const ids = Array.from(rows, (i) => frame.contactId[i]!);
  const bands = riskBands(probability, ids);
  await loadTable(db, "churn_scores", [
    { name: "contact_id", type: "VARCHAR", values: ids },
    { name: "segment", type: "VARCHAR", values: Array.from(rows, (i) => frame.segment[i]!) },
    { name: "as_of", type: "DATE", values: Array.from(rows, (i) => frame.asOf[i]!) },
    { name: "churn_probability", type: "DOUBLE", values: probability },
    { name: "risk_band", type: "VARCHAR", values: bands },
    { name: "top_factor", type: "VARCHAR", values: factors },
  ]);
  return writeMart(db, paths, CHURN_MART, `
    SELECT contact_id, segment, as_of, churn_probability, risk_band, top_factor,
           '${version.replaceAll("'", "''")}'::VARCHAR AS model_version
    FROM churn_scores ORDER BY churn_probability DESC, contact_id`);
}

/** Load a saved churn model (default: latest) with what it needs to score. */
export async function loadChurnModel(paths: Paths, version?: string) {
  const loaded = await loadModelVersion<ChurnModelMetadata>(paths, "churn", version);
  if (loaded.metadata?.kind !== "churn") throw new Error(`${loaded.dir} is not a churn model`);
  return {
    ...loaded,
    score: (frame: ChurnFrame, rows: Int32Array) => scoreRows(loaded.model, loaded.metadata.preprocessor, loaded.metadata.platt, frame, rows),
  };
}
