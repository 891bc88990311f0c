/**
 * The churn frame from the `contact_features` mart, read column-wise. Every column other than
 * contact_id, as_of and label is a feature — numeric columns as numbers, text columns (segment) as
 * categories — so a new feature column in the mart (e.g. a text-sentiment score) is used without
 * code changes. Counts (non-negative whole numbers) enter as log(1 + x): a third missed call
 * matters less than the first.
 *
 * Memory is bounded by what a step uses, not by the mart: the models plan their windows from
 * per-snapshot counts (snapshotIndex, SQL), then read only the rows a step needs — whole snapshots
 * (loadSnapshots: a validation or test window, the newest snapshot to score) or a seeded sample of a
 * training window (loadSample: every positive, negatives whose hash falls below the rate, weighted
 * 1/rate), contact ids only where they are written out. The sample is drawn in SQL by a hash of
 * (contact_id, as_of, seed), so it is the same for the same data whichever rows are read with it,
 * and nested: a lower rate keeps a subset of a higher one's rows.
 */
import { join } from "node:path";
import { sqlTemplate, type Db } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import { readColumns } from "../shared/columnar.ts";
import type { Expansion, Frame } from "./prep.ts";

/** A frame of weekly snapshots; `weight` is each row's sampling weight (1 when read whole). */
export type SnapshotFrame = Frame & { asOf: Int32Array; weight?: Float64Array };

const KEYS = new Set(["contact_id", "as_of", "label"]);
const SQL = join(import.meta.dirname, "sql");
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const dayList = (days: readonly number[]) => days.map((d) => `DATE '1970-01-01' + ${Math.trunc(d)}::INTEGER`).join(", ");

/** What a feature mart holds, per snapshot, without its features: the plan of every window. */
export type SnapshotIndex = {
  mart: string;
  /** Snapshot dates (days since 1970-01-01), ascending, and the labelled ones. */
  all: number[];
  labelled: number[];
  /** Per snapshot: rows, labelled rows, positives. */
  counts: Map<number, { n: number; labelled: number; positives: number }>;
  /** Feature columns and their DuckDB types (every column but the keys). */
  features: { name: string; type: string }[];
};

export async function snapshotIndex(db: Db, paths: Paths, mart: string, emptyMessage = `${mart} is empty`): Promise<SnapshotIndex> {
  const scan = martScan(paths, mart);
  const described = await readColumns(db, `SELECT column_name::VARCHAR AS name, column_type::VARCHAR AS type FROM (DESCRIBE SELECT * FROM ${scan})`);
  const names = described.str("name").map((s) => s ?? "");
  const types = described.str("type").map((s) => s ?? "");
  const c = await readColumns(db, sqlTemplate(join(SQL, "snapshot_counts.sql"), { scan }));
  if (c.rowCount === 0) throw new Error(emptyMessage);
  const asOf = c.date("as_of");
  const [n, labelled, positives] = [c.num("n"), c.num("labelled"), c.num("positives")];
  const counts = new Map<number, { n: number; labelled: number; positives: number }>();
  for (let r = 0; r < c.rowCount; r++) counts.set(asOf[r]!, { n: n[r]!, labelled: labelled[r]!, positives: positives[r]! });
  const all = [...counts.keys()].sort((a, b) => a - b);
  return {
    mart, all, labelled: all.filter((d) => counts.get(d)!.labelled > 0), counts,
    features: names.flatMap((name, k) => (KEYS.has(name) ? [] : [{ name, type: types[k]! }])),
  };
}

/** Sum of a count over snapshot dates. */
export function countAt(index: SnapshotIndex, dates: readonly number[], what: "n" | "labelled" | "positives"): number {
  return dates.reduce((a, d) => a + (index.counts.get(d)?.[what] ?? 0), 0);
}

/** The sampling rate keeping about `maxNegatives` of the labelled negatives at `dates` (1: all). */
export function negativeRate(index: SnapshotIndex, dates: readonly number[], maxNegatives: number): number {
  const neg = countAt(index, dates, "labelled") - countAt(index, dates, "positives");
  return Math.min(1, maxNegatives / Math.max(1, neg));
}

type Read = { where: string; keep: string; weight: string; seed: number; ids: boolean; rows?: number };

async function readFrame(db: Db, paths: Paths, index: SnapshotIndex, r: Read, emptyMessage: string): Promise<SnapshotFrame> {
  const features = index.features.map(({ name, type }) => `CAST(${ident(name)} AS ${/CHAR|TEXT|STRING|BOOL/i.test(type) ? "VARCHAR" : "DOUBLE"}) AS ${ident(name)}`);
  const sql = sqlTemplate(join(SQL, "snapshot_frame.sql"), {
    scan: martScan(paths, index.mart), where: r.where, keep: r.keep, weight: r.weight, seed: String(Math.trunc(r.seed)),
    id: r.ids ? "CAST(contact_id AS VARCHAR) AS contact_id," : "", features: features.length ? features.join(", ") : "NULL::DOUBLE AS __none",
  });
  const cols = await readColumns(db, sql, { rows: r.rows });
  if (cols.rowCount === 0) throw new Error(emptyMessage);
  const frame: SnapshotFrame = {
    n: cols.rowCount,
    ids: r.ids ? cols.str("contact_id").map((s) => s ?? "") : [],
    asOf: cols.date("as_of"),
    label: cols.num("label"),
    weight: cols.num("__weight"),
    numeric: new Map(),
    categorical: new Map(),
  };
  for (const { name } of index.features) {
    const data = cols.data.get(name);
    if (data instanceof Float64Array) frame.numeric.set(name, data);
    else if (Array.isArray(data)) frame.categorical.set(name, data);
  }
  return frame;
}

/** Whole snapshots (only their labelled rows, if asked); contact ids only when asked. */
export async function loadSnapshots(db: Db, paths: Paths, index: SnapshotIndex, dates: readonly number[], opts: { labelledOnly: boolean; ids: boolean }): Promise<SnapshotFrame> {
  if (dates.length === 0) throw new Error(`${index.mart}: no snapshot to read`);
  const rows = countAt(index, dates, opts.labelledOnly ? "labelled" : "n");
  return readFrame(db, paths, index, {
    where: `CAST(as_of AS DATE) IN (${dayList(dates)})`, keep: opts.labelledOnly ? "label IS NOT NULL" : "true", weight: "1::DOUBLE", seed: 0, ids: opts.ids, rows,
  }, `${index.mart}: no rows at the snapshots asked for`);
}

/**
 * A seeded sample of the labelled rows at `dates`: every positive, each negative with probability
 * `rate` (hash(contact_id, as_of, seed) / 2⁶⁴ < rate), its weight 1/rate. Plus, when asked, every row
 * of the `whole` snapshots (weight 1), for a frame that both scores and explains. `samplePositives`:
 * positives sampled at the same rate as negatives (a uniform sample, e.g. a Shapley background).
 */
export async function loadSample(db: Db, paths: Paths, index: SnapshotIndex, dates: readonly number[], rate: number, seed: number, opts: { ids?: boolean; whole?: readonly number[]; samplePositives?: boolean } = {}): Promise<SnapshotFrame> {
  const r = Math.min(1, Math.max(0, rate));
  const keepPositives = opts.samplePositives ? "false" : "label";
  const sampled = `(CAST(as_of AS DATE) IN (${dates.length ? dayList(dates) : "NULL"}) AND label IS NOT NULL AND (${keepPositives} OR __u < ${r}))`;
  const whole = opts.whole?.length ? `CAST(as_of AS DATE) IN (${dayList(opts.whole)})` : "false";
  return readFrame(db, paths, index, {
    where: "true", keep: `(${sampled} OR ${whole})`, seed, ids: opts.ids ?? false,
    weight: `CASE WHEN ${whole} OR ${keepPositives} THEN 1 ELSE ${r > 0 ? 1 / r : 0} END::DOUBLE`,
  }, `${index.mart}: no labelled rows at the training snapshots`);
}

/** Every row of a features mart (tests, small data); `where` filters in SQL. */
export async function loadFeatureFrame(db: Db, paths: Paths, mart: string, where = "true", emptyMessage = `${mart} is empty`): Promise<SnapshotFrame> {
  const index = await snapshotIndex(db, paths, mart, emptyMessage);
  return readFrame(db, paths, index, { where, keep: "true", weight: "1::DOUBLE", seed: 0, ids: true }, emptyMessage);
}

export async function loadSnapshotFrame(db: Db, paths: Paths, where = "true"): Promise<SnapshotFrame> {
  return loadFeatureFrame(db, paths, "contact_features", where, "churn: contact_features is empty");
}

/** Counts as log(1 + x); any other number as it is. */
export function martExpansion(_name: string, sorted: Float64Array): Expansion {
  const count = sorted.length > 0 && sorted[0]! >= 0 && sorted.every((v) => Number.isInteger(v));
  return { raw: !count, log1p: count, hinges: false };
}

/** Distinct snapshot dates, ascending, and the labelled ones. */
export function snapshotDates(frame: SnapshotFrame): { all: number[]; labelled: number[] } {
  const all = new Set<number>();
  const labelled = new Set<number>();
  for (let i = 0; i < frame.n; i++) {
    all.add(frame.asOf[i]!);
    if (!Number.isNaN(frame.label[i]!)) labelled.add(frame.asOf[i]!);
  }
  const asc = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { all: asc(all), labelled: asc(labelled) };
}

/** Rows whose snapshot is in `dates` (labelled rows only, if asked). */
export function rowsAt(frame: SnapshotFrame, dates: readonly number[], labelledOnly: boolean): Int32Array {
  const want = new Set(dates);
  const out: number[] = [];
  for (let i = 0; i < frame.n; i++) if (want.has(frame.asOf[i]!) && (!labelledOnly || !Number.isNaN(frame.label[i]!))) out.push(i);
  return Int32Array.from(out);
}

/** Every row of a frame. */
export const allRows = (frame: { n: number }): Int32Array => Int32Array.from({ length: frame.n }, (_, i) => i);
