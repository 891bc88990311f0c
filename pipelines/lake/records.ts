/**
 * Records from incremental JSON sources (API pages, webhook events) → one staging NDJSON per
 * entity, validated by the entity's zod schema at the boundary. Fields the schema does not know
 * (the source grew a column) are kept in `_extra`, not dropped and not fatal; a record missing a
 * required field is quarantined with the field and the reason.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { z } from "zod";
import { duckdbColumns } from "../catalog/duckdbTypes.ts";
import type { MergeEntity } from "../catalog/raw.ts";
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

/** Staged lines are written in chunks of about this many characters. */
const CHUNK = 1 << 20;

export class EntityBatch {
  rows = 0;
  readonly quarantined: Quarantined[] = [];
  private readonly fd: number;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(readonly entity: MergeEntity, readonly stagingFile: string) {
    this.fd = openSync(stagingFile, "w");
  }

  /** Validate and stage one record; false when it was quarantined. */
  add(record: unknown, meta: RecordMeta): boolean {
    const schema = meta.schema ?? this.entity.schema;
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const { field, reason } = describeIssue(parsed.error, record);
      // The reason names the field and the rule; the value stays in the record, inside the quarantine.
      this.quarantine(meta, field, withoutValue(reason), meta.text ?? record);
      return false;
    }
    // zod's output is a new object (the input's unknown keys stripped): the lineage goes straight onto it.
    const row = (parsed.data === record ? { ...(record as object) } : parsed.data) as Record<string, unknown>;
    row._extra = record && typeof record === "object" ? splitExtra(this.entity.schema, record as Record<string, unknown>) : null;
    row._source_file = meta.file;
    row._source_line = meta.line;
    row._seq = meta.seq;
    row._day_hint = meta.dayHint ?? null;
    this.rows++;
    const line = JSON.stringify(row) + "\n";
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= CHUNK) this.flush();
    return true;
  }

  quarantine(meta: Pick<RecordMeta, "file" | "line">, field: string | null, reason: string, record: unknown): void {
    const text = typeof record === "string" ? record : JSON.stringify(record) ?? "";
    this.quarantined.push({ entity: this.entity.name, file: meta.file, line: meta.line, field, reason, record: text.slice(0, 2000) });
  }

  private flush(): void {
    if (this.pending.length) writeSync(this.fd, this.pending.join(""));
    this.pending = [];
    this.pendingChars = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
