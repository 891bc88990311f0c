/**
 * Merge-mode landing: a batch of incoming records of one entity is unioned with the existing rows
 * of only the partitions it touches, deduplicated by key (latest version wins), and of those only
 * the partitions whose content changes are rewritten whole and swapped in atomically (publish.ts):
 * a batch that changes nothing (a folder read again) writes nothing. An incoming row with the
 * version of the lake's row of its key but other content is a conflict: the lake keeps its row, the
 * newcomer is quarantined and counted (merge_conflicts.sql). Each rewritten partition ends
 * as one file, so small files never pile up. If the files' columns would disagree (the schema
 * gained a field, or the lake was written by the old snapshot extract without `_extra`), the whole
 * entity is rewritten once so every partition keeps one schema.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, one, rows, sqlTemplate, type Db } from "../core/duckdb.ts";
import { isPartitioned, lakeColumns, type MergeEntity } from "../catalog/raw.ts";
import { publishPartitions, publishSnapshot } from "./publish.ts";
import type { Quarantined } from "./validate.ts";

const SQL = join(import.meta.dirname, "sql");
const sql = (file: string, vars: Record<string, string>) => sqlTemplate(join(SQL, file), vars);
const q = (id: string) => `"${id.replaceAll('"', '""')}"`;

export type MergeContext = { raw: string; staging: string };
export type MergeCounts = {
  landed: number; updated: number; unchanged: number; partitions: number; orphans: Quarantined[];
  /** Incoming records of a day past the entity's retention period (MergeOptions.expireBefore): not landed. */
  expired: number;
  /** Incoming versions refused for a conflict with the lake's row (same key and version, other content), quarantined. */
  conflicts: Quarantined[];
};
export type MergeOptions = {
  /**
   * On a version tie an incoming row replaces the lake's (the later arrival wins), unless this is
   * set and the lake's row came from another file: a folder that is read again on every run (the
   * demo) holds no newer arrival, so it never replaces on a tie what another source landed.
   */
  keepOtherSourcesOnTie?: boolean;
  /** Whether the source could have given a record its day (webhook events do): only words the orphans' reason. */
  dayHints?: boolean;
  /**
   * Per entity, the first partition day retention keeps (retention/retention.ts rawCutoffs): a
   * record of an earlier day is expired, counted and not landed, so the merge never re-lands what
   * retention deleted.
   */
  expireBefore?: Record<string, string>;
  /**
   * Per source file, filled for the folder extract's memo (extract/memo.ts): records that reached
   * the merge by partition day ("" unpartitioned; the largest count any batch saw), and the records
   * held back for a missing parent after the last batch.
   */
  perFile?: { days: Map<string, Record<string, number>>; held: Map<string, number> };
};

/** Parquet files of an entity by partition ("date=…", or "" for a snapshot). */
export function entityFiles(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    if (e.endsWith(".parquet")) out.set("", [...(out.get("") ?? []), join(dir, e)]);
    else if (e.includes("=")) {
      const files = readdirSync(join(dir, e)).filter((f) => f.endsWith(".parquet")).sort().map((f) => join(dir, e, f));
      if (files.length) out.set(e, files);
    }
  }
  return out;
}

const fileList = (files: string[]) => `[${files.map(lit).join(", ")}]`;
function reader(files: string[], partitioned: boolean): string {
  const hive = partitioned ? ", hive_partitioning = true, hive_types = {'date': VARCHAR}" : "";
  return `read_parquet(${fileList(files)}${hive}, union_by_name = true)`;
}

/** Merge the rows of table `incoming` (lake columns + `_seq` + `_day_hint`) into the entity. */
export async function mergeInto(db: Db, e: MergeEntity, incoming: string, ctx: MergeContext, o: MergeOptions = {}): Promise<MergeCounts> {
  const target = join(ctx.raw, e.name);
  const partitioned = isPartitioned(e);
  const key = e.key.map(q).join(", ");
  const cols = Object.keys(lakeColumns(e));
  const business = cols.filter((c) => !c.startsWith("_"));
  const day = await dayOf(e, incoming, ctx.raw);
  const kind = day.join ? "TABLE" : "VIEW";
  const cutoff = partitioned && o.expireBefore?.[e.name] ? lit(o.expireBefore[e.name]!) : "NULL";
  await exec(db, sql("merge_incoming.sql", { incoming, partitioned: String(partitioned), kind, cutoff, ...day }));
  if (o.perFile) {
    for (const r of await rows<{ file: string; date: string; n: number }>(db, sql("merge_file_days.sql", { partitioned: String(partitioned) }))) {
      const days = o.perFile.days.get(r.file) ?? {};
      days[r.date] = Math.max(days[r.date] ?? 0, Number(r.n));
      o.perFile.days.set(r.file, days);
    }
  }
  const keyValue = e.key.length === 1 ? q(e.key[0]!) : `struct_pack(${key})`;
  const stats = await one<{ n: number; orphans: number; expired: number; keys: number; dates: string[] }>(
    db, sql("merge_stats.sql", { partitioned: String(partitioned), keyValue, cutoff }));
  const orphans = stats.orphans ? await orphanRows(db, e, o.dayHints ?? true) : [];
  const n = stats.n;
  const expired = Number(stats.expired);
  if (n === 0) {
    await exec(db, dropAll(kind));
    return { landed: 0, updated: 0, unchanged: 0, partitions: 0, orphans, conflicts: [], expired };
  }

  const existing = entityFiles(target);
  const incomingParts = partitioned ? stats.dates.map((d) => `date=${d}`) : [""];
  const affected = new Set(incomingParts);
  const all = [...existing.values()].flat();
  if (partitioned && all.length) {
    for (const r of await rows<{ date: string }>(db, sql("merge_affected.sql", { existing: reader(all, true), key }))) affected.add(`date=${r.date}`);
  }
  const compact = new Set([...existing].filter(([, files]) => files.length > 1).map(([p]) => p));
  for (const p of compact) affected.add(p);

  const staged = join(ctx.staging, e.name);
  rmSync(staged, { recursive: true, force: true });
  rmSync(`${staged}.parquet`, { force: true });
  mkdirSync(ctx.staging, { recursive: true });
  const shape: Shape = { key, cols, business, partitioned, repeated: stats.keys < n, keepOtherSourcesOnTie: o.keepOtherSourcesOnTie ?? false, n, incomingParts };
  let w = await mergeAndWrite(db, e, affected, existing, staged, shape, compact);
  const untouched = [...existing.entries()].filter(([p]) => !w.dirty.has(p)).flatMap(([, f]) => f);
  if (w.dirty.size && untouched.length && !(await sameSchema(db, stagedFiles(staged, partitioned), untouched))) {
    rmSync(staged, { recursive: true, force: true });
    rmSync(`${staged}.parquet`, { force: true });
    w = await mergeAndWrite(db, e, new Set([...affected, ...existing.keys()]), existing, staged, shape, new Set(existing.keys()));
  }
  let partitions = 0;
  if (partitioned) {
    const written = existsSync(staged) ? readdirSync(staged).filter((p) => p.includes("=")) : [];
    const remove = [...w.dirty].filter((p) => !written.includes(p) && existing.has(p));
    if (written.length || remove.length) {
      publishPartitions(join(ctx.staging, `${e.name}.journal.json`), { target, staged, trash: join(ctx.staging, `${e.name}.trash`), swap: written, remove });
    }
    partitions = written.length;
  } else if (w.dirty.size) {
    publishSnapshot(`${staged}.parquet`, target);
    partitions = 1;
  }
  await exec(db, dropAll(kind));
  return { ...w.counts, unchanged: n - w.counts.landed - w.counts.updated, partitions, orphans, conflicts: w.conflicts, expired };
}

/** What a merge leaves behind in the session (incoming_all: a table or a view). */
const dropAll = (incomingAll: "TABLE" | "VIEW") => ["VIEW merged", "TABLE candidates", "TABLE fresh", "TABLE existing_rows", "VIEW merged_view", "VIEW incoming_dated", `${incomingAll} incoming_all`]
  .map((x) => `DROP ${x.replace(" ", " IF EXISTS ")};`).join(" ");

type Shape = {
  key: string; cols: string[]; business: string[]; partitioned: boolean; repeated: boolean; keepOtherSourcesOnTie: boolean;
  /** Incoming rows with a partition day, and their partitions. */
  n: number; incomingParts: string[];
};

/**
 * Merge the affected partitions and write those whose content changes (`dirty`: partition names,
 * "" for a snapshot), plus the `force`d ones (compaction, a schema rewrite).
 */
async function mergeAndWrite(db: Db, e: MergeEntity, affected: Set<string>, existing: Map<string, string[]>, staged: string, s: Shape, force: Set<string>) {
  const files = [...affected].flatMap((p) => existing.get(p) ?? []);
  const partName = (d: string | null) => (s.partitioned ? `date=${d}` : "");
  let merged = "merged";
  let counts = { landed: 0, updated: 0 };
  let conflicts: Quarantined[] = [];
  const dirty = new Set<string>();
  if (!files.length && !s.repeated) {
    // First landing of these keys and no key twice: the incoming rows are the merge, all of them new.
    await exec(db, "CREATE OR REPLACE TEMP VIEW merged_view AS SELECT *, true AS _new FROM incoming_dated");
    merged = "merged_view";
    counts = { landed: s.n, updated: 0 };
    for (const p of s.incomingParts) dirty.add(p);
  } else {
    const empty = "(SELECT * EXCLUDE (_seq) FROM incoming_dated LIMIT 0)";
    await exec(db, sql("merge_existing.sql", { existing: files.length ? reader(files, s.partitioned) : empty }));
    const tie = s.keepOtherSourcesOnTie
      ? { tie: "CASE WHEN lake._lake_file IS NULL OR lake._lake_file = i._source_file THEN 0 ELSE 2 END", tieJoin: sql("merge_tie_join.sql", { key: s.key }) }
      : { tie: "0", tieJoin: "" };
    // A tie with the lake's row in other content is a conflict: the lake's row stays (the incoming one ranks after it) and the newcomer is quarantined.
    conflicts = e.version ? await lakeConflicts(db, e, s) : [];
    if (conflicts.length) {
      tie.tie = `CASE WHEN lc._conflict THEN 2 ELSE ${tie.tie} END`;
      tie.tieJoin += ` LEFT JOIN (SELECT DISTINCT _seq, _source_file, _source_line, true AS _conflict FROM lake_conflicts) lc
        ON lc._seq IS NOT DISTINCT FROM i._seq AND lc._source_file IS NOT DISTINCT FROM i._source_file AND lc._source_line IS NOT DISTINCT FROM i._source_line`;
    }
    const notRepeated = s.repeated ? `ANTI JOIN (SELECT ${s.key} FROM incoming_dated GROUP BY ALL HAVING count(*) > 1) r USING (${s.key})` : "";
    await exec(db, sql("merge_rows.sql", { key: s.key, version: e.version ? `${e.version},` : "", notRepeated, ...tie }));
    await exec(db, "DROP TABLE IF EXISTS lake_conflicts");
    const struct = (cols: string[], alias = "") => `struct_pack(${cols.map((c) => `${q(c)} := ${alias}${q(c)}`).join(", ")})`;
    counts = await one<{ landed: number; updated: number }>(db, sql("merge_counts.sql", { key: s.key, row: struct(s.business) }));
    const changed = await rows<{ date: string | null }>(db, sql("merge_dirty.sql", { key: s.key, rowM: struct(s.cols, "m."), rowE: struct(s.cols, "e.") }));
    for (const r of changed) dirty.add(partName(r.date));
  }
  for (const p of force) if (affected.has(p)) dirty.add(p);
  const columns = s.cols.map(q).join(", ");
  if (dirty.size && s.partitioned) {
    const days = [...dirty].map((p) => lit(p.slice("date=".length)));
    await exec(db, sql("merge_copy_partitioned.sql", { columns, merged, key: s.key, out: lit(staged), dirty: `date IN (${days.join(", ")})` }));
    await compactPartitions(db, staged);
  } else if (dirty.size) {
    await exec(db, sql("merge_copy_snapshot.sql", { columns, merged, key: s.key, out: lit(`${staged}.parquet`) }));
  }
  return { counts, dirty, conflicts };
}

/**
 * Incoming rows with the version of the lake's row of their key but other content (merge_conflicts.sql),
 * as quarantine entries; the table lake_conflicts stays for the merge to rank them after the lake's row.
 */
async function lakeConflicts(db: Db, e: MergeEntity, s: Shape): Promise<Quarantined[]> {
  const version = e.version!.replace(/\s+DESC(\s+NULLS\s+(LAST|FIRST))?\s*$/i, "");
  const content = `struct_pack(${s.business.map((c) => `${q(c)} := ${q(c)}`).join(", ")})`;
  await exec(db, sql("merge_conflicts.sql", { key: s.key, version, content }));
  const found = await rows<{ _source_file: string | null; _source_line: number | null; _v: unknown; record: string; _lake_file: string | null }>(
    db, "SELECT _source_file, _source_line, _v, record, _lake_file FROM lake_conflicts ORDER BY _source_file, _source_line");
  const keyField = e.key.join("/");
  return found.map((r) => ({
    entity: e.name, file: r._source_file ?? "", line: Number(r._source_line ?? 0), field: keyField,
    reason: `${keyField}: conflict with the lake: same version, different content; the lake keeps its row [version ${r._v === null ? "none" : String(r._v instanceof Date ? r._v.toISOString() : r._v)}, landed from ${r._lake_file ?? "an earlier run"}]`,
    record: r.record.slice(0, 20000),
  }));
}

/**
 * DuckDB's partitioned COPY starts a second file in a partition once more than 100 partitions are
 * open at a time (raising that limit slows the writer several-fold); the few partitions that got
 * two files are folded back into one before anything is published.
 */
export async function compactPartitions(db: Db, dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const part of readdirSync(dir).filter((p) => p.includes("="))) {
    const files = readdirSync(join(dir, part)).filter((f) => f.endsWith(".parquet")).sort().map((f) => join(dir, part, f));
    if (files.length < 2) continue;
    const out = join(dir, part, "compacted.tmp");
    await exec(db, sql("compact_partition.sql", { files: fileList(files), out: lit(out) }));
    for (const f of files) rmSync(f);
    renameSync(out, join(dir, part, "part-0.parquet"));
  }
}

function stagedFiles(staged: string, partitioned: boolean): string[] {
  if (!partitioned) return [`${staged}.parquet`];
  return [...entityFiles(staged).values()].flat().slice(0, 1);
}

async function sameSchema(db: Db, staged: string[], others: string[]): Promise<boolean> {
  if (!staged.length) return true;
  const sigs = await rows<{ signature: string }>(db, sql("schema_signature.sql", { files: fileList([...staged, ...others]) }));
  return new Set(sigs.map((s) => s.signature)).size === 1;
}

async function dayOf(e: MergeEntity, incoming: string, raw: string): Promise<{ day: string; join: string }> {
  if (e.day) return { day: `coalesce(${e.day}, i._day_hint)`, join: "" };
  if (!e.dayFrom) return { day: "NULL::VARCHAR", join: "" };
  const parentFiles = [...entityFiles(join(raw, e.dayFrom.entity)).values()].flat();
  if (!parentFiles.length) return { day: "i._day_hint", join: "" };
  const join_ = sql("merge_parent.sql", {
    parentKey: q(e.dayFrom.parentKey), expr: e.dayFrom.expr, files: fileList(parentFiles), on: q(e.dayFrom.on), incoming,
  });
  return { day: "coalesce(parent._parent_day, i._day_hint)", join: join_ };
}

async function orphanRows(db: Db, e: MergeEntity, dayHints: boolean): Promise<Quarantined[]> {
  const keyText = e.key.map((k) => `CAST(${q(k)} AS VARCHAR)`).join(" || '/' || ");
  const found = await rows<{ file: string; line: number; key: string }>(db, sql("merge_orphans.sql", { keyText, partitioned: "true" }));
  const why = (key: string) => (e.dayFrom ? `${e.dayFrom.on}: ${key} not found among landed ${e.dayFrom.entity}` : `${key}: no partition day`);
  return found.map((o) => ({
    entity: e.name, file: o.file, line: o.line, field: e.dayFrom?.on ?? null,
    reason: `${why(o.key)}${dayHints ? ", and the source gave no date" : ""}`, record: "",
  }));
}
