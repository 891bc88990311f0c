/**
 * `commsight extract --source files` (or a source's name): each configured drop's new files are
 * streamed by DuckDB through the mapping (compile.ts) into staging, one COPY per target
 * (stage.ts), then landed (land.ts); refused rows are quarantined with file, line, field and
 * reason. Rows read = landed + quarantined, per source, always.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../core/config.ts";
import { exec, lit, one, rows, sqlTemplate, type Db } from "../../core/duckdb.ts";
import type { Paths } from "../../core/paths.ts";
import { lakeColumns, MERGE_ENTITIES, mergeEntity } from "../../catalog/raw.ts";
import { hasHeld, needsRefusal, retryHeld, withLake, type EntityResult, type LakeSession } from "../../lake/lake.ts";
import type { IncrementalSummary } from "../../lake/report.ts";
import type { Quarantined } from "../../lake/validate.ts";
import { compileMapping, MappingError, type Plan } from "./compile.ts";
import { Mapping, type FileSource } from "./config.ts";
import { landStaged, partitionFiles } from "./land.ts";
import { entityFiles } from "../../lake/merge.ts";
import { carrierOf, QUARANTINE, SKIP, stageCopy } from "./stage.ts";
import { cleanedPath, prescan } from "./prescan.ts";
import { formatOf, markImported, newFiles, readSeen, refusedEntries, stateFile, type DropFile } from "./state.ts";
import { withoutValue } from "../../lake/quarantine.ts";

const SQL = join(import.meta.dirname, "sql");
const sql = (f: string, vars: Record<string, string>) => sqlTemplate(join(SQL, f), vars);
const q = (id: string) => `"${id.replaceAll('"', '""')}"`;

export type ImportHooks = { beforeMarkImported?: () => void };

export function loadMapping(source: FileSource): Mapping {
  if (typeof source.mapping !== "string") return source.mapping;
  const file = resolve(source.mapping);
  if (!existsSync(file)) throw new ConfigError(`sources.${source.name}.mapping: ${source.mapping} does not exist`);
  const parsed = Mapping.safeParse(parseYaml(readFileSync(file, "utf8")));
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(top level)"}: ${i.message}`);
  throw new ConfigError(`${file} is not a valid mapping:\n${lines.join("\n")}`);
}

export async function importSources(paths: Paths, sources: FileSource[], hooks: ImportHooks = {}): Promise<IncrementalSummary> {
  const summary: IncrementalSummary = { source: sources.map((s) => s.name).join("+") || "files", entities: [], quarantined: [], lines: 0, notes: [], reconciliation: [] };
  if (!sources.length) summary.notes.push("no file-drop sources are configured (sources: in the config)");
  await withLake(paths, async (s) => {
    for (const source of sources) {
      const mapping = loadMapping(source);
      const seenFile = stateFile(join(paths.data, "state"), source.name);
      const seen = readSeen(seenFile);
      // Symlinks, pipes, sockets, devices and directories are refused unread, one quarantine entry each.
      const refusedHere = refusedEntries(source.path).map((r) => ({
        entity: source.name, file: relative(process.cwd(), r.file).startsWith("..") ? r.file : relative(process.cwd(), r.file), line: 0, field: null, reason: `file refused: ${r.reason}`, record: "",
      }));
      summary.quarantined.push(...refusedHere);
      if (refusedHere.length) summary.notes.push(`${source.name}: ${refusedHere.length} entr${refusedHere.length === 1 ? "y" : "ies"} refused unread (not regular files of the drop folder)`);
      const todo = newFiles(source.path, seen);
      if (!todo.length) { summary.notes.push(`${source.name}: no new or changed files in ${source.path}`); continue; }
      const r = await importSource(s, source, mapping, todo);
      summary.entities.push(...r.entities);
      summary.quarantined.push(...r.quarantined);
      summary.reconciliation!.push(r.reconciliation);
      summary.notes.push(...r.notes);
      hooks.beforeMarkImported?.();
      markImported(seenFile, seen, todo);
    }
    // Records an earlier run held back (their parent had not landed) are tried again, parents first.
    const landed = new Set(summary.entities.map((e) => e.entity));
    for (const e of MERGE_ENTITIES) {
      if (landed.has(e.name) || !hasHeld(s, e.name)) continue;
      const { result, orphans } = await retryHeld(s, e);
      summary.entities.push(result);
      summary.quarantined.push(...orphans);
    }
  });
  return summary;
}

async function importSource(s: LakeSession, source: FileSource, m: Mapping, files: DropFile[]) {
  const root = join(s.ctx.staging, "files", source.name);
  const quarantined: Quarantined[] = [];
  const notes: string[] = [];
  const staged = new Map<string, string[]>();
  const lines = new Map<string, (row: number) => number>();
  // CSV rows are numbered when a record may be refused after staging (a parent to check, a lake to
  // merge into) or the file is small; numbering makes DuckDB read on one thread (1M rows: ~2× the CPU).
  const numbered = Object.keys(m.targets).some((t) => entityFiles(join(s.ctx.raw, t)).size > 0 || needsRefusal(s, mergeEntity(t)));
  let read = 0;
  let refused = 0;
  for (const [i, f] of files.entries()) {
    const rel = relative(process.cwd(), f.path).startsWith("..") ? f.path : relative(process.cwd(), f.path);
    const r = await stageFile(s.db, m, f.path, rel, i, root, numbered || f.size < NUMBER_BELOW);
    if (r.lineOf) lines.set(rel, r.lineOf);
    read += r.read;
    refused += r.quarantined.length;
    quarantined.push(...r.quarantined.map((x) => ({ ...x, entity: source.name })));
    notes.push(...r.notes);
    for (const [entity, dir] of r.dirs) staged.set(entity, [...(staged.get(entity) ?? []), dir]);
  }
  if (m.line) staged.set("phone_numbers", [...(staged.get("phone_numbers") ?? []), await stageLine(s.db, m, source.name, join(root, "phone_numbers", "line"))]);
  const entities: EntityResult[] = [];
  for (const e of MERGE_ENTITIES) {
    const dirs = staged.get(e.name);
    if (!dirs) continue;
    const rowsRefused = m.targets[e.name] ? refused : 0; // the default line is no row of the file
    const { result, orphans } = await landStaged(s, e, dirs, rowsRefused);
    quarantined.push(...orphans.map((o) => { const f = lines.get(o.file); return f && o.line ? { ...o, line: f(o.line) } : o; }));
    entities.push(result);
  }
  rmSync(root, { recursive: true, force: true });
  return { entities, quarantined, notes, reconciliation: { source: source.name, read, landed: read - refused, quarantined: refused } };
}

type Staged = {
  read: number; quarantined: Quarantined[]; dirs: Map<string, string>; notes: string[];
  /** The file's line of a staged record's `_source_line` (a CSV row number), for records refused after staging. */
  lineOf?: (row: number) => number;
};

/** CSV files smaller than this are always numbered (it costs them nothing worth saving). */
const NUMBER_BELOW = 64 << 20;

async function stageFile(db: Db, m: Mapping, dropPath: string, rel: string, i: number, root: string, numberRows: boolean): Promise<Staged> {
  const declared = formatOf(dropPath, m.format);
  const json = declared === "ndjson" || declared === "json";
  const notes: string[] = [];
  const dirs = new Map<string, string>();
  // Read once in JS first: a file that is no UTF-8 text is refused whole, bad lines one by one (prescan.ts).
  const pre = prescan(dropPath, declared, rel, cleanedPath(root, i, declared), m.csv.quote ?? '"');
  if (!("path" in pre)) {
    return { read: 1, dirs, notes, quarantined: [{ entity: "", file: rel, line: 0, field: null, reason: `file refused: ${pre.refused}`, record: "" }] };
  }
  const { path, format } = pre;
  const r = await stageClean(db, m, path, format, json, rel, i, root, dirs, notes, numberRows);
  // Lines of the cleaned CSV copy are mapped back to the file's own.
  const map = pre.lineMap;
  const quarantined = [...pre.refused, ...r.quarantined.map((q) => (map && q.line > 0 ? { ...q, line: map[q.line] ?? q.line } : q))].sort((a, b) => a.line - b.line);
  const lineOf = (row: number) => { const line = r.lineOf(row); return map ? map[line] ?? line : line; };
  return { read: r.read + pre.refused.length, quarantined, dirs, notes, lineOf };
}

async function stageClean(
  db: Db, m: Mapping, path: string, format: "csv" | "tsv" | "ndjson", json: boolean, rel: string, i: number, root: string, dirs: Map<string, string>, notes: string[], numberRows: boolean,
): Promise<{ read: number; quarantined: Quarantined[]; lineOf: (row: number) => number }> {
  const rejects = `rejects_${i}`;
  const source = async (numbered: boolean, table: string) => {
    if (json) return exec(db, sql("src_ndjson.sql", { file: lit(path) }));
    const csv = (strict: boolean) => sql("src_csv.sql", {
      file: lit(path), delim: lit(m.csv.delimiter ?? (format === "tsv" ? "\t" : ",")), header: String(m.csv.header),
      quote: lit(m.csv.quote ?? '"'), rejects: lit(table), scan: lit(`${table}_scan`), strict: String(strict),
      row: numbered ? "row_number() OVER ()" : "NULL::BIGINT",
    });
    try {
      await exec(db, csv(true));
    } catch (err) {
      // Mixed line endings (CRLF and LF in one export) defeat the strict dialect sniffer.
      if (!/sniffing/.test((err as Error).message)) throw err;
      await exec(db, csv(false));
      if (!notes.length) notes.push(`${rel}: read without the strict CSV dialect (mixed line endings?)`);
    }
  };
  let plan: Plan;
  try {
    // Numbered CSV rows (even for one target): a record refused after staging (a missing parent, a conflict) is told by its line.
    await source(!json && numberRows, rejects);
    const columns = json ? [] : (await rows<{ column_name: string }>(db, "DESCRIBE src")).map((r) => r.column_name).filter((c) => c !== "_row");
    plan = compileMapping(m, { json, present: json ? null : new Set(columns), missing: new Set() }, columns);
  } catch (err) {
    if (err instanceof MappingError) throw err;
    return { read: 1, lineOf: (row) => row, quarantined: [{ entity: "", file: rel, line: 0, field: null, reason: `unreadable ${format} file: ${(err as Error).message.split("\n")[0]}`, record: "" }] };
  }
  if (plan.missing.length) notes.push(`${rel}: no column ${plan.missing.join(", ")} (its fields read as missing)`);
  const carrier = carrierOf(plan);
  // One record-row streams straight from the file (all threads, rows unnumbered); several share one
  // evaluation of the mapping, numbered, materialized once.
  const shared = plan.targets.reduce((n, t) => n + t.rows.length, 0) > 1 ? `mapped_${i}` : undefined;
  if (shared && !json) await source(true, rejects);
  // Wall-clock times in the file are read in its time zone; the staged values are instants.
  await exec(db, `SET TimeZone = ${lit(m.timezone)}`);
  try {
    if (shared) await exec(db, `CREATE OR REPLACE TEMP TABLE ${shared} AS ${plan.sql}`);
    for (const t of plan.targets) {
      const out = join(root, t.entity.name, String(i));
      rmSync(out, { recursive: true, force: true });
      mkdirSync(dirname(out), { recursive: true }); // COPY makes the last folder only
      await exec(db, stageCopy(plan, t, t === carrier, rel, out, shared));
      dirs.set(t.entity.name, out);
    }
  } finally {
    await exec(db, `SET TimeZone = 'UTC';${shared ? ` DROP TABLE IF EXISTS ${shared};` : ""}`);
  }
  const carried = dirs.get(carrier.entity.name)!;
  let bad = await takePartition(db, carried, QUARANTINE, (files) => rows<{ row: number | null; reason: string; record: string }>(db, sql("staged_quarantine.sql", { files })));
  if (bad?.length && bad[0]!.row === null) {
    // Rows were refused and the streaming pass did not number them: one more, numbered pass for their lines.
    await source(true, `${rejects}_lines`);
    await exec(db, `SET TimeZone = ${lit(m.timezone)}`);
    try {
      bad = await rows<{ row: number; reason: string; record: string }>(db, `SELECT _row AS row, _reason AS reason, _record AS record FROM (${plan.sql}) WHERE _reason IS NOT NULL ORDER BY _row`);
    } finally {
      await exec(db, `SET TimeZone = 'UTC'; DROP TABLE IF EXISTS ${rejects}_lines; DROP TABLE IF EXISTS ${rejects}_lines_scan;`);
    }
  }
  const kept = [...partitionFiles(carried, true), ...partitionFiles(join(carried, `date=${SKIP}`), false)];
  // One record per row: the count is in the Parquet footers; else count the rows the records came from.
  const single = carrier.rows.length === 1 && carrier.rows[0]!.when === "true";
  const count = single ? "count(*)" : "count(DISTINCT _source_line)";
  const { n } = kept.length ? await one<{ n: number }>(db, `SELECT ${count}::BIGINT AS n FROM read_parquet([${kept.map(lit).join(", ")}])`) : { n: 0 };
  rmSync(join(carried, `date=${SKIP}`), { recursive: true, force: true });
  const rejected = json ? [] : await rows<{ line: number; reason: string; record: string }>(db, sql("rejects.sql", { rejects }));
  if (!json) await exec(db, `DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${rejects}_scan;`);
  const lineOf = (row: number) => {
    if (json) return row;
    let line = row + (m.csv.header ? 1 : 0);
    for (const r of rejected) if (r.line <= line) line++;
    return line;
  };
  const quarantined: Quarantined[] = [
    ...rejected.map((r) => ({ entity: "", file: rel, line: r.line, field: null, reason: `unparseable line: ${r.reason}`, record: (r.record ?? "").trim().slice(0, 2000) })),
    ...(bad ?? []).map((b) => {
      const [field, reason] = b.reason.split("\t") as [string, string];
      // The reason names the field and the rule; the value stays in the record, inside the quarantine.
      return { entity: "", file: rel, line: lineOf(b.row!), field: field || null, reason: withoutValue(reason), record: (b.record ?? "").slice(0, 2000) };
    }),
  ].sort((a, b) => a.line - b.line);
  return { read: n + (bad?.length ?? 0) + rejected.length, quarantined, lineOf };
}

/** Read one special partition of a staged target, then remove it (it is no lake data). */
async function takePartition<T>(db: Db, dir: string, name: string, read: (files: string) => Promise<T>): Promise<T | null> {
  const files = partitionFiles(join(dir, `date=${name}`), false);
  if (!files.length) return null;
  const out = await read(`[${files.map(lit).join(", ")}]`);
  rmSync(join(dir, `date=${name}`), { recursive: true, force: true });
  return out;
}

/** The default line, staged like a record of the file, so it lands as a phone number. */
async function stageLine(db: Db, m: Mapping, source: string, out: string): Promise<string> {
  const line = m.line!;
  const values: Record<string, string> = {
    id: lit(line.id), groupId: "'file-drop'", createdAt: lit(line.createdAt), updatedAt: lit(line.createdAt),
    name: lit(line.name), number: lit(line.number), users: "[]", _source_file: lit(source), _source_line: "0",
  };
  const cols = Object.entries(lakeColumns(mergeEntity("phone_numbers"))).map(([c, t]) => `CAST(${values[c] ?? "NULL"} AS ${t}) AS ${q(c)}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  await exec(db, `COPY (SELECT ${cols.join(", ")}, 'all' AS date) TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}')`);
  return out;
}
