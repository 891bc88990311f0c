/**
 * Churn features: read `contact_features` column-wise, then build a standardised design
 * matrix — log1p of counts, tenure and recency (never contacted → a large recency plus an
 * indicator), last NPS/CSAT imputed with the training mean plus missing indicators, one-hot
 * segment. Every column (indicators included) is z-scored with training statistics, so for the
 * linear model weight × value is a contribution to the log-odds relative to the average
 * training contact.
 */
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { readColumns } from "../shared/columnar.ts";

export const COUNT_COLUMNS = [
  "calls_90d", "messages_90d", "missed_90d", "abandoned_90d", "transfers_90d",
  "repeat_contacts_90d", "detractor_90d", "low_csat_90d", "negative_comments_90d",
] as const;
export type CountColumn = (typeof COUNT_COLUMNS)[number];
const RAW_NUMERIC = ["tenure_days", "recency_days", ...COUNT_COLUMNS, "last_nps", "last_csat"] as const;
export type RawColumn = (typeof RAW_NUMERIC)[number];

/** Recency used for contacts never contacted ("treat as large"): two years. */
export const NEVER_CONTACTED_RECENCY_DAYS = 730;

export type ChurnFrame = {
  n: number;
  contactId: string[];
  segment: string[];
  /** Snapshot date, days since 1970-01-01. */
  asOf: Int32Array;
  /** 1 churned, 0 not, NaN unknown (outcome window incomplete). */
  label: Float64Array;
  raw: Record<RawColumn, Float64Array>;
};

export async function loadChurnFrame(db: Db, paths: Paths): Promise<ChurnFrame> {
  const cols = await readColumns(db, `
    SELECT CAST(contact_id AS VARCHAR) AS contact_id,
           coalesce(CAST(segment AS VARCHAR), 'unknown') AS segment,
           CAST(as_of AS DATE) AS as_of,
           CAST(CASE WHEN label IS NULL THEN NULL WHEN label THEN 1 ELSE 0 END AS DOUBLE) AS label,
           ${RAW_NUMERIC.map((c) => `CAST(${c} AS DOUBLE) AS ${c}`).join(",\n           ")}
    FROM ${martScan(paths, "contact_features")}
    ORDER BY as_of, contact_id`);
  const raw = Object.fromEntries(RAW_NUMERIC.map((c) => [c, cols.num(c)])) as Record<RawColumn, Float64Array>;
  return {
    n: cols.rowCount,
    contactId: cols.str("contact_id").map((s) => s ?? ""),
    segment: cols.str("segment").map((s) => s ?? "unknown"),
    asOf: cols.date("as_of"),
    label: cols.num("label"),
    raw,
  };
}

/** Distinct snapshot dates (ascending) and which of them are labelled. */
export function snapshots(frame: ChurnFrame): { all: number[]; labelled: number[]; scoring: number } {
  const all = new Set<number>();
  const labelled = new Set<number>();
  for (let i = 0; i < frame.n; i++) {
    all.add(frame.asOf[i]!);
    if (!Number.isNaN(frame.label[i]!)) labelled.add(frame.asOf[i]!);
  }
  const sorted = [...all].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error("contact_features is empty");
  return { all: sorted, labelled: [...labelled].sort((a, b) => a - b), scoring: sorted[sorted.length - 1]! };
}

/** Row indices whose snapshot is in `dates` (and labelled, if asked). */
export function rowsFor(frame: ChurnFrame, dates: number[], labelledOnly: boolean): Int32Array {
  const want = new Set(dates);
  const out: number[] = [];
  for (let i = 0; i < frame.n; i++) {
    if (want.has(frame.asOf[i]!) && (!labelledOnly || !Number.isNaN(frame.label[i]!))) out.push(i);
  }
  return Int32Array.from(out);
}

export type FeatureKind = "count" | "tenure" | "recency" | "never_contacted" | "nps" | "nps_missing" | "csat" | "csat_missing" | "segment";
export type FeatureSpec = { name: string; kind: FeatureKind; source?: RawColumn | CountColumn; segment?: string };

/** Everything needed to turn a frame row into model inputs; saved with the model. */
export type Preprocessor = {
  features: FeatureSpec[];
  segments: string[];
  mean: number[];
  std: number[];
  npsFill: number;
  csatFill: number;
};

function rawFeatures(segments: string[]): FeatureSpec[] {
  return [
    { name: "log_tenure_days", kind: "tenure", source: "tenure_days" },
    { name: "log_recency_days", kind: "recency", source: "recency_days" },
    { name: "never_contacted", kind: "never_contacted" },
    ...COUNT_COLUMNS.map((c): FeatureSpec => ({ name: `log_${c}`, kind: "count", source: c })),
    { name: "last_nps", kind: "nps", source: "last_nps" },
    { name: "nps_missing", kind: "nps_missing" },
    { name: "last_csat", kind: "csat", source: "last_csat" },
    { name: "csat_missing", kind: "csat_missing" },
    ...segments.map((s): FeatureSpec => ({ name: `segment=${s}`, kind: "segment", segment: s })),
  ];
}

function meanFinite(a: Float64Array, rows: Int32Array, fallback: number): number {
  let s = 0;
  let k = 0;
  for (const i of rows) {
    const v = a[i]!;
    if (Number.isFinite(v)) { s += v; k++; }
  }
  return k ? s / k : fallback;
}

/** One unstandardised feature value. */
function value(frame: ChurnFrame, prep: Pick<Preprocessor, "npsFill" | "csatFill">, f: FeatureSpec, i: number): number {
  const r = frame.raw;
  switch (f.kind) {
    case "count": return Math.log1p(Math.max(0, nz(r[f.source!][i]!)));
    case "tenure": return Math.log1p(Math.max(0, nz(r.tenure_days[i]!)));
    case "recency": {
      const v = r.recency_days[i]!;
      return Math.log1p(Number.isFinite(v) ? Math.max(0, v) : NEVER_CONTACTED_RECENCY_DAYS);
    }
    case "never_contacted": return Number.isFinite(r.recency_days[i]!) ? 0 : 1;
    case "nps": { const v = r.last_nps[i]!; return Number.isFinite(v) ? v : prep.npsFill; }
    case "nps_missing": return Number.isFinite(r.last_nps[i]!) ? 0 : 1;
    case "csat": { const v = r.last_csat[i]!; return Number.isFinite(v) ? v : prep.csatFill; }
    case "csat_missing": return Number.isFinite(r.last_csat[i]!) ? 0 : 1;
    case "segment": return frame.segment[i] === f.segment ? 1 : 0;
  }
}
const nz = (v: number) => (Number.isFinite(v) ? v : 0);

/** Fit imputation and standardisation on training rows. */
export function fitPreprocessor(frame: ChurnFrame, rows: Int32Array): Preprocessor {
  const segments = [...new Set(Array.from(rows, (i) => frame.segment[i]!))].sort();
  const fills = { npsFill: meanFinite(frame.raw.last_nps, rows, 7), csatFill: meanFinite(frame.raw.last_csat, rows, 3) };
  const features = rawFeatures(segments);
  const mean: number[] = [];
  const std: number[] = [];
  for (const f of features) {
    let s = 0;
    let ss = 0;
    for (const i of rows) {
      const v = value(frame, fills, f, i);
      s += v;
      ss += v * v;
    }
    const m = rows.length ? s / rows.length : 0;
    const sd = Math.sqrt(Math.max(0, (rows.length ? ss / rows.length : 0) - m * m));
    mean.push(m);
    std.push(sd > 1e-9 ? sd : 1);
  }
  return { features, segments, mean, std, ...fills };
}

/** Standardised design matrix [rows × p], row-major Float32Array. */
export function designMatrix(frame: ChurnFrame, rows: Int32Array, prep: Preprocessor): Float32Array {
  const p = prep.features.length;
  const x = new Float32Array(rows.length * p);
  for (let j = 0; j < p; j++) {
    const f = prep.features[j]!;
    const m = prep.mean[j]!;
    const sd = prep.std[j]!;
    for (let k = 0; k < rows.length; k++) x[k * p + j] = (value(frame, prep, f, rows[k]!) - m) / sd;
  }
  return x;
}

export function labels(frame: ChurnFrame, rows: Int32Array): Float32Array {
  return Float32Array.from(rows, (i) => frame.label[i]!);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Plain words for a feature of one contact. `above` says whether its standardised value is
 * above the training average (e.g. tenure below average reads "customer for only 40 days").
 */
export function describeFeature(f: FeatureSpec, frame: ChurnFrame, i: number, above: boolean): string {
  const r = frame.raw;
  const n = (c: RawColumn) => Math.round(nz(r[c][i]!));
  switch (f.kind) {
    case "count": {
      const c = f.source as CountColumn;
      const k = n(c);
      const words: Record<CountColumn, [string, string]> = {
        calls_90d: ["call", "calls"],
        messages_90d: ["message", "messages"],
        missed_90d: ["missed call", "missed calls"],
        abandoned_90d: ["abandoned call", "abandoned calls"],
        transfers_90d: ["transferred call", "transferred calls"],
        repeat_contacts_90d: ["unresolved repeat contact", "unresolved repeat contacts"],
        detractor_90d: ["detractor NPS response (0-6)", "detractor NPS responses (0-6)"],
        low_csat_90d: ["low CSAT rating (1-2)", "low CSAT ratings (1-2)"],
        negative_comments_90d: ["negative survey comment", "negative survey comments"],
      };
      const [one, many] = words[c];
      return `${above ? "" : "only "}${plural(k, one, many)} in 90 days`;
    }
    case "tenure": return `${above ? "" : "only "}${plural(n("tenure_days"), "day", "days")} as a customer`;
    case "recency": {
      const v = r.recency_days[i]!;
      return Number.isFinite(v) ? `no contact for ${plural(Math.round(v), "day", "days")}` : "never contacted";
    }
    case "never_contacted": return "never contacted";
    case "nps": return Number.isFinite(r.last_nps[i]!) ? `last NPS score ${r.last_nps[i]}` : "no NPS response on record";
    case "nps_missing": return "no NPS response on record";
    case "csat": return Number.isFinite(r.last_csat[i]!) ? `last CSAT rating ${r.last_csat[i]}` : "no CSAT rating on record";
    case "csat_missing": return "no CSAT rating on record";
    case "segment": return `in the ${f.segment} segment`;
  }
}

/** Whether a feature is a candidate "factor" for this contact (inactive indicators/one-hots are not). */
export function isActive(f: FeatureSpec, frame: ChurnFrame, i: number): boolean {
  switch (f.kind) {
    case "segment": return frame.segment[i] === f.segment;
    case "never_contacted": return !Number.isFinite(frame.raw.recency_days[i]!);
    case "nps_missing": return !Number.isFinite(frame.raw.last_nps[i]!);
    case "csat_missing": return !Number.isFinite(frame.raw.last_csat[i]!);
    case "nps": return Number.isFinite(frame.raw.last_nps[i]!);
    case "csat": return Number.isFinite(frame.raw.last_csat[i]!);
    case "recency": return Number.isFinite(frame.raw.recency_days[i]!);
    default: return true;
  }
}

