/**
 * Writing model outputs: typed columns are appended to a DuckDB table in data chunks
 * (columnar, no per-row JSON), then COPY'd to `<marts>/<name>/data.parquet` through a
 * temporary file in the same directory and an atomic rename. A prediction mart (contracts.ts)
 * is checked against its contract first; one that breaks it is never written.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DATE, DOUBLE, DuckDBDataChunk, VARCHAR, dateValue, type DuckDBType, type DuckDBValue } from "@duckdb/node-api";
import { exec, lit, one, type Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { predictionContract, stagePrediction, stagedTable } from "./contracts.ts";

export type OutColumn =
  | { name: string; type: "VARCHAR"; values: readonly string[] }
  | { name: string; type: "DOUBLE"; values: Float64Array | readonly number[] }
  | { name: string; type: "DATE"; values: Int32Array | readonly number[] }; // days since 1970-01-01

const CHUNK = 2048; // DuckDB's standard vector size

/** Create (or replace) a table in the (in-memory) database and fill it column-wise. */
export async function loadTable(db: Db, table: string, columns: OutColumn[]): Promise<number> {
  const n = columns[0]?.values.length ?? 0;
  for (const c of columns) if (c.values.length !== n) throw new Error(`column ${c.name}: ${c.values.length} values, expected ${n}`);
  const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
  await exec(db, `CREATE OR REPLACE TABLE ${ident(table)} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(", ")})`);
  const types: DuckDBType[] = columns.map((c) => (c.type === "VARCHAR" ? VARCHAR : c.type === "DOUBLE" ? DOUBLE : DATE));
  const appender = await db.conn.createAppender(table);
  try {
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      const chunk = DuckDBDataChunk.create(types, end - start);
      columns.forEach((c, ci) => {
        const vals: DuckDBValue[] = new Array(end - start);
        for (let i = start; i < end; i++) {
          const v = c.values[i]!;
          if (c.type === "VARCHAR") vals[i - start] = v as string;
          else if (c.type === "DOUBLE") vals[i - start] = Number.isFinite(v as number) ? (v as number) : null;
          else vals[i - start] = dateValue(v as number);
        }
        chunk.setColumnValues(ci, vals);
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return n;
}

/**
 * COPY a query to `<marts>/<name>/data.parquet` atomically; returns the file and its row count.
 * A prediction mart's rows must first pass its contract (columns, order, types, data tests), else
 * PredictionContractError and nothing is written.
 */
export async function writeMart(db: Db, paths: Paths, name: string, selectSql: string): Promise<{ path: string; rows: number }> {
  const contract = predictionContract(name);
  if (contract) await stagePrediction(db, contract, selectSql);
  const source = contract ? `SELECT * FROM ${stagedTable(name)}` : selectSql;
  const dir = join(paths.marts, name);
  const final = join(dir, "data.parquet");
  // Not ending in .parquet, so a concurrent martScan never picks up a half-written file.
  const tmp = join(dir, `.data.parquet.${process.pid}.${Date.now()}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    await exec(db, `COPY (${source}) TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    renameSync(tmp, final);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    if (contract) await exec(db, `DROP TABLE IF EXISTS ${stagedTable(name)}`);
  }
  const { n } = await one<{ n: number }>(db, `SELECT count(*)::BIGINT AS n FROM read_parquet(${lit(final)})`);
  return { path: final, rows: n };
}
