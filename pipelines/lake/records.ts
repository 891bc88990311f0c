/**
 * Records from incremental JSON sources (API pages, webhook events) → one staging NDJSON per
 * entity, validated by the entity's zod schema at the boundary. Fields the schema does not know
 * (the source grew a column) are kept in `_extra`, not dropped and not fatal; a record missing a
 * required field is quarantined with the field and the reason.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import type { z } from "zod";
import { duckdbColumns } from "../catalog/duckdbTypes.ts";
import type { MergeEntity } from "../catalog/raw.ts";
import { describeIssue, type Quarantined } from "./validate.ts";

export type RecordMeta = { file: string; line: number; seq: number; dayHint?: string | null; schema?: z.ZodType };

const knownKeys = new Map<z.ZodType, Set<string>>();
function keysOf(schema: z.ZodType): Set<string> {
  let k = knownKeys.get(schema);
  if (!k) knownKeys.set(schema, (k = new Set(Object.keys(duckdbColumns(schema)))));
  return k;
}

/** Split a record into what the schema knows and what it does not (kept as `_extra`). */
export function splitExtra(schema: z.ZodType, record: Record<string, unknown>): Record<string, unknown> | null {
  const known = keysOf(schema);
  const extra = Object.entries(record).filter(([k]) => !known.has(k));
  return extra.length ? Object.fromEntries(extra) : null;
}

export class EntityBatch {
  rows = 0;
  readonly quarantined: Quarantined[] = [];
  private readonly out: WriteStream;

  constructor(readonly entity: MergeEntity, readonly stagingFile: string) {
    this.out = createWriteStream(stagingFile);
  }

  /** Validate and stage one record; false when it was quarantined. */
  async add(record: unknown, meta: RecordMeta): Promise<boolean> {
    const schema = meta.schema ?? this.entity.schema;
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const { field, reason } = describeIssue(parsed.error, record);
      this.quarantine(meta, field, reason, record);
      return false;
    }
    const row = {
      ...(parsed.data as Record<string, unknown>),
      _extra: record && typeof record === "object" ? splitExtra(this.entity.schema, record as Record<string, unknown>) : null,
      _source_file: meta.file, _source_line: meta.line, _seq: meta.seq, _day_hint: meta.dayHint ?? null,
    };
    this.rows++;
    if (!this.out.write(JSON.stringify(row) + "\n")) await once(this.out, "drain");
    return true;
  }

  quarantine(meta: Pick<RecordMeta, "file" | "line">, field: string | null, reason: string, record: unknown): void {
    const text = typeof record === "string" ? record : JSON.stringify(record) ?? "";
    this.quarantined.push({ entity: this.entity.name, file: meta.file, line: meta.line, field, reason, record: text.slice(0, 2000) });
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, "finish");
  }
}
