/**
 * Writing enriched entities: rows are validated against the entity's zod schema, appended to a
 * DuckDB table typed from that schema (the DuckDB appender: columnar, no SQL text per row), then
 * COPYed to day-partitioned zstd Parquet under staging and published partition by partition.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBAppender } from "@duckdb/node-api";
import { publishPartitions } from "../core/atomic.ts";
import { exec, lit, one, sqlTemplate, type Db } from "../core/duckdb.ts";
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
   * Write the Parquet partitions under `stagingRoot` and publish them into `enrichedDir`. With
   * `replaceAll`, partitions no longer produced are removed (their raw source is gone).
   */
  async publish(stagingRoot: string, enrichedDir: string, replaceAll: boolean): Promise<{ dir: string; partitions: number; removed: string[] }> {
    this.appender.flushSync();
    this.appender.closeSync();
    const staged = join(stagingRoot, this.entity.name);
    rmSync(staged, { recursive: true, force: true });
    mkdirSync(staged, { recursive: true });
    const n = (await one<{ n: number }>(this.db, `SELECT count(*) AS n FROM enr_${this.entity.name}`)).n;
    if (n > 0) {
      await exec(this.db, sqlTemplate(join(SQL, "copy_enriched.sql"), {
        table: `enr_${this.entity.name}`, key: this.entity.key.map((k) => `"${k}"`).join(", "), out: lit(staged),
      }));
    }
    const target = join(enrichedDir, this.entity.name);
    const { published, removed } = existsSync(staged) ? publishPartitions(staged, target, replaceAll) : { published: [], removed: [] };
    await exec(this.db, `DROP TABLE enr_${this.entity.name}`);
    return { dir: target, partitions: published.length, removed };
  }
}
