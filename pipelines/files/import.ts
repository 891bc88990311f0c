/**
 * `commsight extract --source files` (or a source's name): each configured file drop's new files
 * are read by DuckDB, mapped and validated there (compile.ts), and merged into the lake; refused
 * rows are quarantined with file, line, field and reason. Rows read = landed + quarantined, per
 * source, always.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../core/config.ts";
import { exec, lit, one, rows, sqlTemplate, type Db } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";
import { lakeColumns, MERGE_ENTITIES, mergeEntity } from "../extract/incremental.ts";
import { landTable, withLake, type EntityResult, type LakeSession } from "../extract/lake.ts";
import type { IncrementalSummary } from "../extract/report.ts";
import type { Quarantined } from "../extract/validate.ts";
import { compileMapping, type Plan } from "./compile.ts";
import { Mapping, type FileSource } from "./config.ts";
import { formatOf, markImported, newFiles, readSeen, stateFile, type DropFile } from "./state.ts";

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
  });
  return summary;
}

async function importSource(s: LakeSession, source: FileSource, m: Mapping, files: DropFile[]) {
  const quarantined: Quarantined[] = [];
  const notes: string[] = [];
  const loaded: { table: string; plan: Plan; rel: string }[] = [];
  let read = 0;
  let refused = 0;
  for (const [i, f] of files.entries()) {
    const rel = relative(process.cwd(), f.path).startsWith("..") ? f.path : relative(process.cwd(), f.path);
    const table = `mapped_${i}`;
    const r = await loadFile(s.db, m, f.path, rel, table, i);
    read += r.read;
    refused += r.quarantined.length;
    quarantined.push(...r.quarantined.map((x) => ({ ...x, entity: source.name })));
    if (r.plan) loaded.push({ table, plan: r.plan, rel });
    notes.push(...r.notes);
    if (r.plan?.missing.length) notes.push(`${rel}: no column ${r.plan.missing.join(", ")} (its fields read as missing)`);
  }
  const entities: EntityResult[] = [];
  const targets = new Map<string, string[]>();
  if (m.line) {
    // The default line lands as a phone number, so the transforms can name the line of its calls.
    const values: Record<string, string> = {
      id: lit(m.line.id), groupId: "'file-drop'", createdAt: lit(m.line.createdAt), updatedAt: lit(m.line.createdAt),
      name: lit(m.line.name), number: lit(m.line.number), users: "[]", _source_file: lit(source.name), _source_line: "0",
    };
    const cols = Object.entries(lakeColumns(mergeEntity("phone_numbers"))).map(([c, t]) => `CAST(${values[c] ?? "NULL"} AS ${t}) AS ${q(c)}`);
    await exec(s.db, `CREATE OR REPLACE TEMP TABLE line_record AS SELECT ${cols.join(", ")}, 0::BIGINT AS _seq, NULL::VARCHAR AS _day_hint`);
    targets.set("phone_numbers", [`SELECT * FROM line_record`]);
  }
  for (const { table, plan, rel } of loaded) {
    for (const t of plan.targets) {
      const cols = lakeColumns(t.entity);
      t.rows.forEach((row, k) => {
        const fields = Object.keys(cols).filter((c) => !c.startsWith("_")).map((c) => `${row.fields[c]} AS ${q(c)}`);
        const select = `SELECT ${fields.join(", ")}, ${t.keepUnmapped ? "_extra" : "NULL::JSON"} AS _extra, ${lit(rel)} AS _source_file, _row AS _source_line, `
          + `_row * ${t.rows.length} + ${k} AS _seq, NULL::VARCHAR AS _day_hint FROM ${table} WHERE _reason IS NULL AND ${row.when}`;
        targets.set(t.entity.name, [...(targets.get(t.entity.name) ?? []), select]);
      });
    }
  }
  for (const e of MERGE_ENTITIES) {
    const selects = targets.get(e.name);
    if (!selects) continue;
    const view = `incoming_${e.name}`;
    await exec(s.db, `CREATE OR REPLACE TEMP VIEW ${view} AS ${selects.join("\nUNION ALL ")}`);
    const { n } = await one<{ n: number }>(s.db, `SELECT count(*)::BIGINT AS n FROM ${view}`);
    const rowsRefused = e.name === "phone_numbers" && m.line && !m.targets[e.name] ? 0 : refused;
    const { result, orphans } = await landTable(s, mergeEntity(e.name), view, n + rowsRefused, rowsRefused);
    quarantined.push(...orphans);
    entities.push(result);
    await exec(s.db, `DROP VIEW ${view}`);
  }
  for (const { table } of loaded) await exec(s.db, `DROP TABLE ${table}`);
  return { entities, quarantined, notes, reconciliation: { source: source.name, read, landed: read - refused, quarantined: refused } };
}

type Loaded = { read: number; quarantined: Quarantined[]; plan: Plan | null; notes: string[] };

async function loadFile(db: Db, m: Mapping, path: string, rel: string, table: string, i: number): Promise<Loaded> {
  const format = formatOf(path, m.format);
  const json = format === "ndjson" || format === "json";
  const rejects = `rejects_${i}`;
  const notes: string[] = [];
  try {
    if (json) await exec(db, sql(format === "json" ? "src_json.sql" : "src_ndjson.sql", { file: lit(path) }));
    else {
      const csv = (strict: boolean) => sql("src_csv.sql", {
        file: lit(path), delim: lit(m.csv.delimiter ?? (format === "tsv" ? "\t" : ",")), header: String(m.csv.header),
        quote: lit(m.csv.quote ?? '"'), rejects: lit(rejects), scan: lit(`${rejects}_scan`), strict: String(strict),
      });
      try {
        await exec(db, csv(true));
      } catch (err) {
        // Mixed line endings (CRLF and LF in one export) defeat the strict dialect sniffer.
        if (!/sniffing/.test((err as Error).message)) throw err;
        await exec(db, csv(false));
        notes.push(`${rel}: read without the strict CSV dialect (mixed line endings?)`);
      }
    }
  } catch (err) {
    return { read: 1, plan: null, notes, quarantined: [{ entity: "", file: rel, line: 0, field: null, reason: `unreadable ${format} file: ${(err as Error).message.split("\n")[0]}`, record: "" }] };
  }
  const columns = json ? [] : (await rows<{ column_name: string }>(db, "DESCRIBE src")).map((r) => r.column_name).filter((c) => c !== "_row");
  const plan = compileMapping(m, { json, present: json ? null : new Set(columns), missing: new Set() }, columns);
  // Wall-clock times in the file are read in its time zone; the typed values are instants after this.
  await exec(db, `SET TimeZone = ${lit(m.timezone)}`);
  try {
    await exec(db, `CREATE OR REPLACE TEMP TABLE ${table} AS ${plan.sql}`);
  } finally {
    await exec(db, "SET TimeZone = 'UTC'");
  }
  const counts = await one<{ read: number; quarantined: number }>(db, sql("mapped_counts.sql", { mapped: table }));
  const bad = counts.quarantined ? await rows<{ row: number; reason: string; record: string }>(db, sql("mapped_quarantine.sql", { mapped: table })) : [];
  const rejected = json ? [] : await rows<{ line: number; reason: string; record: string }>(db, sql("rejects.sql", { rejects }));
  const rejectedLines = rejected.map((r) => r.line);
  const lineOf = (row: number) => {
    if (json) return row;
    let line = row + (m.csv.header ? 1 : 0);
    for (const r of rejectedLines) if (r <= line) line++;
    return line;
  };
  const quarantined: Quarantined[] = [
    ...rejected.map((r) => ({ entity: "", file: rel, line: r.line, field: null, reason: `unparseable line: ${r.reason}`, record: (r.record ?? "").trim().slice(0, 2000) })),
    ...bad.map((b) => {
      const [field, reason] = b.reason.split("\t") as [string, string];
      return { entity: "", file: rel, line: lineOf(b.row), field: field || null, reason, record: (b.record ?? "").slice(0, 2000) };
    }),
  ].sort((a, b) => a.line - b.line);
  if (!json) await exec(db, `DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${rejects}_scan;`);
  return { read: counts.read + rejected.length, quarantined, plan, notes };
}
