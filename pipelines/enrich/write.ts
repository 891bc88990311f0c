/**
 * Writing enriched entities: rows are validated against the entity's zod schema, appended to a
 * DuckDB table typed from that schema (the DuckDB appender: columnar, no SQL text per row), then
 * COPYed to day-partitioned zstd Parquet under staging and published partition by partition. A
 * writer holds one batch (a month at most), never a whole entity.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBAppender } from "@duckdb/node-api";
import { publishPartitions } from "../core/atomic.ts";
import { exec, lit, rows, sqlTemplate, type Db } from "../core/duckdb.ts";
import { duckdbColumns } from "../catalog/duckdbTypes.ts";
import type { EnrichedEntity } from "../catalog/enriched.ts";

const SQL = join(import.meta.dirname, "sql");

type Setter = (a: DuckDBAppender, v: unknown) => void;

function setterFor(type: string): Setter {
  switch (type) {
    case "VARCHAR": return (a, v) => a.appendVarchar(v as string);
    case "DOUBLE": return (a, v) => a.appendDouble(v as number);
    case "BIGINT": return (a, v) => a.appendBigInt(BigInt(v as number));
    case "BOOLEAN": return (a, v) => a.appendBoolean(v as boolean);
    default: throw new Error(`enriched columns must be VARCHAR, DOUBLE, BIGINT or BOOLEAN, not ${type}`);
  }
}

/** One entity's rows on their way to Parquet. */
export class EntityWriter<T extends Record<string, unknown>> {
  private appender!: DuckDBAppender;
  private readonly columns: { name: string; set: Setter }[];
  rows = 0;

  private constructor(private readonly db: Db, readonly entity: EnrichedEntity, private readonly validate: boolean) {
    this.columns = Object.entries(duckdbColumns(entity.schema)).map(([name, type]) => ({ name, set: setterFor(type) }));
  }

  static async open<T extends Record<string, unknown>>(db: Db, entity: EnrichedEntity, validate = true): Promise<EntityWriter<T>> {
    const w = new EntityWriter<T>(db, entity, validate);
    const cols = Object.entries(duckdbColumns(entity.schema)).map(([k, t]) => `"${k}" ${t}`).join(", ");
    await exec(db, `CREATE OR REPLACE TABLE enr_${entity.name} (${cols}, "date" VARCHAR)`);
    w.appender = await db.conn.createAppender(`enr_${entity.name}`);
    return w;
  }

  /** Append one row of partition day `day` (YYYY-MM-DD); the schema is checked first. */
  add(row: T, day: string): void {
    const r = (this.validate ? this.entity.schema.parse(row) : row) as Record<string, unknown>;
    for (const c of this.columns) {
      const v = r[c.name];
      if (v === null || v === undefined) this.appender.appendNull();
      else c.set(this.appender, v);
    }
    this.appender.appendVarchar(day);
    this.appender.endRow();
    this.rows++;
  }

  /**
   * Write the Parquet partitions under `stagingRoot` and publish them into `enrichedDir`: the
   * partitions of `days` (the days this batch analysed) that produced no row are removed. The
   * table is dropped; the writer is done.
   */
  async publish(stagingRoot: string, enrichedDir: string, days: Set<string>): Promise<{ dir: string; partitions: number; removed: string[] }> {
    this.appender.flushSync();
    this.appender.closeSync();
    const staged = join(stagingRoot, this.entity.name);
    rmSync(staged, { recursive: true, force: true });
    mkdirSync(staged, { recursive: true });
    if (this.rows > 0) {
      // One thread: a partitioned COPY on several writes its sorted input in whatever order the
      // threads finish, and the same rows must give the same bytes (an unchanged day stays as it is).
      const [{ threads }] = await rows<{ threads: string }>(this.db, "SELECT current_setting('threads')::VARCHAR AS threads") as [{ threads: string }];
      await exec(this.db, "SET threads = 1");
      try {
        await exec(this.db, sqlTemplate(join(SQL, "copy_enriched.sql"), {
          table: `enr_${this.entity.name}`, key: this.entity.key.map((k) => `"${k}"`).join(", "), out: lit(staged),
        }));
      } finally { await exec(this.db, `SET threads = ${Number(threads)}`); }
    }
    const target = join(enrichedDir, this.entity.name);
    const { published } = publishPartitions(staged, target, false);
    const written = new Set(published);
    const removed = removePartitions(target, [...days].filter((d) => !written.has(`date=${d}`)), stagingRoot);
    rmSync(staged, { recursive: true, force: true });
    await exec(this.db, `DROP TABLE enr_${this.entity.name}`);
    return { dir: target, partitions: published.length, removed };
  }
}

/** Remove the day partitions of an entity folder (moved aside in one rename each, then deleted); returns those that were there. */
export function removePartitions(entityDir: string, days: string[], stagingRoot: string): string[] {
  const there = days.map((d) => `date=${d}`).filter((p) => existsSync(join(entityDir, p)));
  if (!there.length) return [];
  const trash = join(stagingRoot, `.trash-${process.pid}-${Date.now()}`);
  mkdirSync(trash, { recursive: true });
  for (const p of there) renameSync(join(entityDir, p), join(trash, p));
  rmSync(trash, { recursive: true, force: true });
  return there;
}
