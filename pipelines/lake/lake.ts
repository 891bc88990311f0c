/**
 * One incremental lake session: the data folder's writer lock (reentrant), recovery of an interrupted
 * publish, a clean staging area, a DuckDB connection; and landing a prepared incoming table through the merge.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, one, openDb, rows, sqlTemplate, type Db } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import { lakeColumns, mergeEntity, type MergeEntity } from "../catalog/raw.ts";
import { takeDataFolder } from "../core/lock.ts";
import { entityFiles, mergeInto, type MergeContext, type MergeOptions } from "./merge.ts";
import { readerLimits } from "./quarantine.ts";
import { recoverPublishes } from "./publish.ts";
import { readJsonColumns } from "../catalog/duckdbTypes.ts";
import type { Quarantined } from "./validate.ts";

export type EntityResult = {
  entity: string; read: number; landed: number; updated: number; unchanged: number; quarantined: number; partitions: number;
  /** Records held back this run: their parent has not landed yet (retried on the next run). */
  held?: number;
  /** Records held back by an earlier run and tried again now (not counted in `read`). */
  retried?: number;
  /**
   * Conflicts (counted in `quarantined` too): versions of one key with the same version value and
   * different content, within the batch (all of them quarantined) or against the lake's row (the
   * lake keeps its row, the newcomer is quarantined).
   */
  conflicts?: number;
  /** Records of a day past the entity's retention period: counted, not landed (MergeOptions.expireBefore). */
  expired?: number;
  /** Source files read (the folder extract; 0 when the entity was not read again, extract/memo.ts). */
  filesRead?: number;
};
export type LakeSession = { db: Db; ctx: MergeContext; paths: Paths };

export async function withLake<T>(paths: Paths, fn: (s: LakeSession) => Promise<T>): Promise<T> {
  const release = await takeDataFolder(paths.data, "extract");
  const staging = join(paths.staging, "merge");
  try {
    recoverPublishes(staging);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    mkdirSync(paths.raw, { recursive: true });
    const db = await openDb(":memory:", { threads: "2" });
    try {
      return await fn({ db, ctx: { raw: paths.raw, staging }, paths });
    } finally {
      db.close();
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    release();
  }
}

/** Merge an incoming table into its entity; records without a partition day come back as quarantined. */
export async function landTable(s: LakeSession, entity: MergeEntity | string, incoming: string, read: number, quarantined: number, o: MergeOptions = {}) {
  const e = typeof entity === "string" ? mergeEntity(entity) : entity;
  const refused = await refuseRows(s, e, incoming);
  if (o.perFile) {
    o.perFile.held.clear();
    for (const [file, n] of refused.heldByFile) o.perFile.held.set(file, n);
  }
  const m = await mergeInto(s.db, e, incoming, s.ctx, o);
  const q = quarantined + m.orphans.length + refused.quarantined.length + m.conflicts.length;
  const conflicts = refused.conflicts + m.conflicts.length;
  const result: EntityResult = {
    entity: e.name, read, landed: m.landed, updated: m.updated, unchanged: read + refused.retried - m.landed - m.updated - q - refused.held - m.expired, quarantined: q, partitions: m.partitions,
    ...(refused.held ? { held: refused.held } : {}), ...(refused.retried ? { retried: refused.retried } : {}), ...(conflicts ? { conflicts } : {}),
    ...(m.expired ? { expired: m.expired } : {}),
  };
  return { result, orphans: [...refused.quarantined, ...(m.orphans as Quarantined[]), ...m.conflicts] };
}

const SQL = join(import.meta.dirname, "sql");
const sql = (file: string, vars: Record<string, string>) => sqlTemplate(join(SQL, file), vars);
const q = (id: string) => `"${id.replaceAll('"', '""')}"`;

/** Where an entity's held-back records wait for their parent: data/quarantine/held/<entity>.ndjson, inside the privacy perimeter (full records). */
export const heldFile = (paths: Paths, entity: string) => join(paths.quarantine, "held", `${entity}.ndjson`);

/** Whether an entity has records held back by an earlier run (to be tried again even when nothing new arrived). */
export const hasHeld = (s: LakeSession, entity: string) => existsSync(heldFile(s.paths, entity));

/** The references of an entity whose parent holds rows (a parent with none is not checked: the source does not provide it). */
function activeRefs(s: LakeSession, e: MergeEntity) {
  return (e.refs ?? []).map((r) => ({ ...r, files: [...entityFiles(join(s.ctx.raw, r.entity)).values()].flat() })).filter((r) => r.files.length);
}

/** Whether incoming rows with no key twice must still be looked at before they land (references to check, held records to retry). */
export const needsRefusal = (s: LakeSession, e: MergeEntity) => activeRefs(s, e).length > 0 || hasHeld(s, e.name);

/**
 * Before the merge: records held back by earlier runs join the incoming rows; conflicting versions
 * (same key and version, different content) and records whose parent is missing leave them. An
 * orphan is held back (data/quarantine/held) until `ingest.orphanWaitHours` after it was first seen,
 * then quarantined with its full record.
 */
type Refused = { quarantined: Quarantined[]; held: number; retried: number; conflicts: number; heldByFile: Map<string, number> };
async function refuseRows(s: LakeSession, e: MergeEntity, incoming: string): Promise<Refused> {
  const refs = activeRefs(s, e);
  const file = heldFile(s.paths, e.name);
  const had = existsSync(file);
  if (!refs.length && !had && e.version === null) return { quarantined: [], held: 0, retried: 0, conflicts: 0, heldByFile: new Map() };
  const cols = { ...lakeColumns(e), _seq: "BIGINT", _day_hint: "VARCHAR" };
  const business = Object.keys(lakeColumns(e)).filter((c) => !c.startsWith("_"));
  const content = `struct_pack(${business.map((c) => `${q(c)} := ${q(c)}`).join(", ")})`;
  const key = e.key.map(q).join(", ");
  let retried = 0;
  if (had) {
    const heldCols = { ...cols, _held_since: "VARCHAR", _held_reason: "VARCHAR", _held_field: "VARCHAR" };
    const before = (await one<{ n: number }>(s.db, `SELECT count(*)::BIGINT AS n FROM ${incoming}`)).n;
    await exec(s.db, sql("held_read.sql", { file: lit(file), columns: readJsonColumns(heldCols), incoming }));
    retried = (await one<{ n: number }>(s.db, `SELECT count(*)::BIGINT AS n FROM ${incoming}`)).n - before;
  } else {
    await exec(s.db, `CREATE OR REPLACE TEMP TABLE held_prev AS SELECT *, NULL::VARCHAR AS _held_since FROM ${incoming} LIMIT 0`);
  }
  const keyField = lit(e.key.join("/"));
  const version = e.version ? e.version.replace(/\s+DESC(\s+NULLS\s+(LAST|FIRST))?\s*$/i, "") : "NULL";
  await exec(s.db, e.version
    ? sql("refs_conflicts.sql", { incoming, version, content, key, keyField })
    : "CREATE OR REPLACE TEMP TABLE refused_rows (_rid BIGINT, file VARCHAR, line BIGINT, field VARCHAR, reason VARCHAR, record VARCHAR, held BOOLEAN, since VARCHAR)");
  if (refs.length) {
    const conds = refs.map((r) => `(${r.when ?? "true"}) AND ${q(r.field)} IS NOT NULL AND ${q(r.field)} NOT IN (SELECT ${q(r.parentKey)} FROM read_parquet([${r.files.map(lit).join(", ")}]))`);
    const now = lit(new Date().toISOString());
    await exec(s.db, sql("refs_orphans.sql", {
      incoming, key, content, now, heldPrev: "held_prev",
      // Each reference's check once, as a column (each reads the parent's keys): the reason and field name the first that fails.
      flags: conds.map((c, i) => `coalesce(${c}, false) AS _orphan_${i}`).join(", "),
      orphan: conds.map((_, i) => `_orphan_${i}`).join(" OR "),
      whyCases: refs.map((r, i) => `WHEN _orphan_${i} THEN ${lit(`not found among landed ${r.entity} (${r.parentKey})`)}`).join(" "),
      fieldCases: refs.map((r, i) => `WHEN _orphan_${i} THEN ${lit(r.field)}`).join(" "),
      waitSeconds: String(Math.round(readerLimits.orphanWaitMs / 1000)), waitHours: lit(String(Math.round(readerLimits.orphanWaitMs / 360_000) / 10)),
    }));
  }
  const refusedRows = await rows<{ file: string; line: number; field: string | null; reason: string; record: string; held: boolean }>(
    s.db, "SELECT file, line, field, reason, record, held FROM refused_rows ORDER BY file, line");
  const heldCount = refusedRows.filter((r) => r.held).length;
  if (heldCount) {
    mkdirSync(join(s.paths.quarantine, "held"), { recursive: true });
    const tmp = `${file}.tmp`;
    await exec(s.db, sql("held_write.sql", { incoming, file: lit(tmp), keyI: e.key.map((k) => `i.${q(k)}`).join(", ") }));
    renameSync(tmp, file);
  } else rmSync(file, { force: true });
  await exec(s.db, `DELETE FROM ${incoming} WHERE rowid IN (SELECT _rid FROM refused_rows); DROP TABLE IF EXISTS refused_rows; DROP TABLE IF EXISTS held_prev;`);
  const quarantined = refusedRows.filter((r) => !r.held).map((r) => ({ entity: e.name, file: r.file, line: Number(r.line), field: r.field, reason: r.reason, record: r.record.slice(0, 20000) }));
  const conflicts = quarantined.filter((r) => r.reason.includes(": conflict: ")).length;
  // Per file, lines held (a held-back copy of a line read again is one record).
  const heldByFile = new Map<string, number>();
  for (const l of new Set(refusedRows.filter((r) => r.held).map((r) => JSON.stringify([r.file, Number(r.line)])))) {
    const file = JSON.parse(l)[0] as string;
    heldByFile.set(file, (heldByFile.get(file) ?? 0) + 1);
  }
  return { quarantined, held: heldCount, retried, conflicts, heldByFile };
}

/** Try again the held-back records of an entity that got no new records this run. */
export async function retryHeld(s: LakeSession, e: MergeEntity, o: MergeOptions = {}) {
  const cols = { ...lakeColumns(e), _seq: "BIGINT", _day_hint: "VARCHAR" };
  const table = `incoming_${e.name}`;
  await exec(s.db, `CREATE OR REPLACE TEMP TABLE ${table} (${Object.entries(cols).map(([c, t]) => `${q(c)} ${t}`).join(", ")})`);
  const out = await landTable(s, e, table, 0, 0, o);
  await exec(s.db, `DROP TABLE ${table}`);
  return out;
}
