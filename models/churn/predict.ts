/** Scoring contacts: calibrated probability, risk band, top factor in words, and the churn_risk mart. */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import { loadModelVersion } from "../shared/modelStore.ts";
import { predictColumn } from "../shared/train.ts";
import type { tf } from "../shared/tf.ts";
import { applyPlatt } from "./evaluate.ts";
import { topFactors } from "./explain.ts";
import type { SnapshotFrame } from "./mart.ts";
import { designMatrix, type Preprocessor } from "./prep.ts";
import type { Platt } from "./train.ts";

export const CHURN_MART = "churn_risk";

export type ChurnMeta = { kind: "churn"; prep: Preprocessor; platt: Platt; kernel: number[]; bias: number; dataEnd: string; labelWindowDays: number };

export type Scorer = { model: tf.LayersModel; prep: Preprocessor; platt: Platt; kernel: ArrayLike<number> };

/** Calibrated probabilities (through the tfjs model), raw ones, and the design used. */
export function score(s: Scorer, frame: SnapshotFrame, rows: Int32Array): { x: Float32Array; raw: Float64Array; probability: Float64Array } {
  const x = designMatrix(frame, rows, s.prep);
  const raw = predictColumn(s.model, x, rows.length, s.prep.features.length);
  return { x, raw, probability: applyPlatt(raw, s.platt) };
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

/** Score the rows and write churn_risk (one row per contact of the scoring snapshot). */
export async function writeChurnRisk(db: Db, paths: Paths, s: Scorer, frame: SnapshotFrame, rows: Int32Array, version: string): Promise<{ path: string; rows: number }> {
  const { x, probability } = score(s, frame, rows);
  const factors = topFactors(s.kernel, s.prep, frame, rows, x);
  const ids = Array.from(rows, (i) => frame.ids[i]!);
  const segment = frame.categorical.get("segment");
  await loadTable(db, "churn_scores", [
    { name: "contact_id", type: "VARCHAR", values: ids },
    { name: "segment", type: "VARCHAR", values: Array.from(rows, (i) => segment?.[i] ?? "Unknown") },
    { name: "as_of", type: "DATE", values: Array.from(rows, (i) => frame.asOf[i]!) },
    { name: "churn_probability", type: "DOUBLE", values: probability },
    { name: "risk_band", type: "VARCHAR", values: riskBands(probability, ids) },
    { name: "top_factor", type: "VARCHAR", values: factors },
  ]);
  return writeMart(db, paths, CHURN_MART, `
    SELECT contact_id, segment, as_of, churn_probability, risk_band, top_factor,
           '${version.replaceAll("'", "''")}'::VARCHAR AS model_version
    FROM churn_scores ORDER BY churn_probability DESC, contact_id`);
}

/** A saved churn version, ready to score. */
export async function loadChurnVersion(paths: Paths, version: string): Promise<Scorer & { version: string; meta: ChurnMeta }> {
  const v = await loadModelVersion<ChurnMeta>(paths, "churn", version);
  if (v.metadata.kind !== "churn" || !v.parts.model) throw new Error(`${v.dir} is not a churn model version`);
  return { version, meta: v.metadata, model: v.parts.model, prep: v.metadata.prep, platt: v.metadata.platt, kernel: v.metadata.kernel };
}
