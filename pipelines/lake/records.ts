/**
 * Records from JSON sources (folder files, API pages, webhook events) → one DuckDB table per
 * entity, validated by the entity's zod schema at the boundary. Fields the schema does not know
 * (the source grew a column) are kept in `_extra`, not dropped and not fatal; a record missing a
 * required field is quarantined with the field and the reason.
 */
import type { z } from "zod";
import { duckdbColumns, readJsonColumns } from "../catalog/duckdbTypes.ts";
import { exec, lit, one, type Db } from "../core/duckdb.ts";
import { lakeColumns, type MergeEntity } from "../catalog/raw.ts";
import { withoutValue } from "./quarantine.ts";
import { describeIssue, type Quarantined } from "./validate.ts";

export type RecordMeta = {
  file: string; line: number; seq: number; dayHint?: string | null; schema?: z.ZodType;
  /** The source line as it was, kept in the quarantine instead of the parsed record. */
  text?: string;
};

const knownKeys = new Map<z.ZodType, Set<string>>();
function keysOf(schema: z.ZodType): Set<string> {
  let k = knownKeys.get(schema);
  if (!k) knownKeys.set(schema, (k = new Set(Object.keys(duckdbColumns(schema)))));
  return k;
}

/** Split a record into what the schema knows and what it does not (kept as `_extra`). */
export function splitExtra(schema: z.ZodType, record: Record<string, unknown>): Record<string, unknown> | null {
  const known = keysOf(schema);
  let extra: Record<string, unknown> | null = null;
  for (const k in record) if (!known.has(k)) (extra ??= {})[k] = record[k];
  return extra;
}

/**
 * One entity's validated records, fed to DuckDB without a file: each record goes in as its JSON
 * text (the source line itself when there is one, never re-serialised) with its lineage, through
 * an appender into a small text table; `drain` turns what is pending into typed rows of `table`
 * (json_transform with the lake's column types, the same types read_json used) and empties the
 * text table, so what waits in JS or as text is bounded by what the caller reads between drains.
 */
export class EntityBatch {
  rows = 0;
  readonly quarantined: Quarantined[] = [];
  private texts: string[] = [];
  private extras: (string | null)[] = [];
  private files: string[] = [];
  private lines: number[] = [];
  private seqs: number[] = [];
  private hints: (string | null)[] = [];
  private created = false;
  private readonly textTable: string;

  /** `table`: the temp table the typed rows go to (lake columns + `_seq` + `_day_hint`). */
  constructor(readonly entity: MergeEntity, private readonly db: Db, readonly table: string) {
    this.textTable = `${table}_text`;
  }

  /** Validate and take one record; false when it was quarantined. */
  add(record: unknown, meta: RecordMeta): boolean {
    const ok = this.check(record, meta);
    if (ok) this.push(meta.text ?? JSON.stringify(record), ok.extra, meta.file, meta.line, meta.seq, meta.dayHint ?? null);
    return ok !== false;
  }

  /** Validate one record without taking it (`push` takes its line later, or `readWhole` its whole file): its `_extra` as JSON text, or false when quarantined. */
  check(record: unknown, meta: RecordMeta): { extra: string | null } | false {
    const schema = meta.schema ?? this.entity.schema;
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const { field, reason } = describeIssue(parsed.error, record);
      // The reason names the field and the rule; the value stays in the record, inside the quarantine.
      this.quarantine(meta, field, withoutValue(reason), meta.text ?? record);
      return false;
    }
    const extra = record && typeof record === "object" ? splitExtra(this.entity.schema, record as Record<string, unknown>) : null;
    return { extra: extra === null ? null : JSON.stringify(extra) };
  }

  /**
   * Take a validated record as its JSON text: zod only checks (no transform), so its output is the
   * input without unknown keys, which json_transform leaves out too; the text is read as it is.
   */
  push(text: string, extra: string | null, file: string, line: number, seq: number, dayHint: string | null): void {
    this.texts.push(text);
    this.extras.push(extra);
    this.files.push(file);
    this.lines.push(line);
    this.seqs.push(seq);
    this.hints.push(dayHint);
    this.rows++;
  }

  /**
   * Take the `n` records of a whole source file that were all validated, one a line, none
   * quarantined and none with unknown fields: DuckDB reads the file itself (read_json with the
   * lake's types, the line number its ordinality), their seqs `seq0` on.
   */
  async readWhole(path: string, file: string, seq0: number, n: number): Promise<void> {
    await this.create();
    const before = await this.count();
    await exec(this.db, `INSERT INTO ${this.table} BY NAME
      SELECT * EXCLUDE (ordinality), NULL::JSON AS _extra, ${lit(file)} AS _source_file, ordinality::BIGINT AS _source_line, (${seq0} + ordinality - 1)::BIGINT AS _seq, NULL::VARCHAR AS _day_hint
      FROM read_json(${lit(path)}, format = 'newline_delimited', columns = ${readJsonColumns(duckdbColumns(this.entity.schema))}) WITH ORDINALITY`);
    const got = (await this.count()) - before;
    if (got !== n) throw new Error(`${file}: DuckDB read ${got} records where the validation counted ${n}`);
    this.rows += n;
  }

  private async count(): Promise<number> {
    return Number((await one<{ n: number }>(this.db, `SELECT count(*)::BIGINT AS n FROM ${this.table}`)).n);
  }

  private async create(): Promise<void> {
    if (this.created) return;
    const cols = { ...lakeColumns(this.entity), _seq: "BIGINT", _day_hint: "VARCHAR" };
    await exec(this.db, `CREATE OR REPLACE TEMP TABLE ${this.table} (${Object.entries(cols).map(([c, t]) => `${q(c)} ${t}`).join(", ")})`);
    this.created = true;
  }

  quarantine(meta: Pick<RecordMeta, "file" | "line">, field: string | null, reason: string, record: unknown): void {
    const text = typeof record === "string" ? record : JSON.stringify(record) ?? "";
    this.quarantined.push({ entity: this.entity.name, file: meta.file, line: meta.line, field, reason, record: text.slice(0, 2000) });
  }

  /** Turn the pending records into typed rows of `table` (created on the first drain). */
  async drain(): Promise<void> {
    await this.create();
    if (!this.texts.length) return;
    // A fresh text table each time (rows deleted from a DuckDB table are still scanned).
    await exec(this.db, `CREATE OR REPLACE TEMP TABLE ${this.textTable} (j VARCHAR, _extra VARCHAR, _source_file VARCHAR, _source_line INTEGER, _seq INTEGER, _day_hint VARCHAR)`);
    const a = await this.db.conn.createAppender(this.textTable, "main", "temp");
    for (let i = 0; i < this.texts.length; i++) {
      a.appendVarchar(this.texts[i]!);
      const x = this.extras[i]!;
      if (x === null) a.appendNull(); else a.appendVarchar(x);
      a.appendVarchar(this.files[i]!);
      a.appendInteger(this.lines[i]!);
      a.appendInteger(this.seqs[i]!);
      const h = this.hints[i]!;
      if (h === null) a.appendNull(); else a.appendVarchar(h);
      a.endRow();
    }
    a.closeSync();
    this.texts = []; this.extras = []; this.files = []; this.lines = []; this.seqs = []; this.hints = [];
    await exec(this.db, `INSERT INTO ${this.table} BY NAME
      SELECT unnest(json_transform(j, ${lit(structure(this.entity))})), _extra::JSON AS _extra, _source_file, _source_line::BIGINT AS _source_line, _seq::BIGINT AS _seq, _day_hint
      FROM ${this.textTable};
      DROP TABLE ${this.textTable}`);
  }
}

const q = (id: string) => `"${id.replaceAll('"', '""')}"`;
const structures = new Map<MergeEntity, string>();
/** json_transform's structure for the entity's schema columns: the lake's DuckDB types by field. */
function structure(e: MergeEntity): string {
  let s = structures.get(e);
  if (!s) structures.set(e, (s = JSON.stringify(duckdbColumns(e.schema))));
  return s;
}
