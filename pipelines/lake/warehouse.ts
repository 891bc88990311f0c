/**
 * data/warehouse.duckdb: the analysts' catalog, derived from the dataset catalog. A view per mart and
 * prediction mart (schema main), per enriched entity (schema enriched) and per raw entity (schema raw,
 * only the columns the catalog classes as holding no PII: a raw view never shows a phone number,
 * e-mail, name, contact id or unredacted text; the redacted and pseudonymised forms are in the
 * enriched entities and the marts). Every view and column carries the catalog's description
 * (COMMENT ON, as dbt's persist_docs). Paths in the views are relative to the folder that holds the
 * database file, so the data folder can be moved or copied: open the database from that folder, or
 * `SET file_search_path` to it (`commsight sql` does). Built beside and renamed into place.
 * The views read Parquet globs, so new partitions and rewritten files need no rebuild: the warehouse
 * is rebuilt only when what its views say changes (the catalog's datasets and descriptions, which
 * datasets are on disk and how they are laid out, the newest file's columns), kept as a fingerprint
 * in data/state/warehouse.json.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { exec, lit, openDb, rows, type Db } from "../core/duckdb.ts";
import { publishFile } from "../core/atomic.ts";
import { readCache, writeJsonAtomic } from "../core/stateFile.ts";
import { z } from "zod";
import type { Paths } from "../core/paths.ts";
import { catalog, datasetDir, type Dataset } from "../catalog/datasets.ts";

export const WAREHOUSE_SCHEMAS = { marts: "main", enriched: "enriched", raw: "raw" } as const;

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** The scan of a dataset's Parquet, with a path relative to the data folder. */
function relation(paths: Paths, d: Dataset): string | null {
  const dir = datasetDir(paths, d);
  if (!existsSync(dir)) return null;
  const entries = readdirSync(dir).filter((e) => !e.startsWith("."));
  const rel = relative(paths.data, dir).split(sep).join("/");
  if (entries.some((e) => e.includes("="))) {
    return `read_parquet(${lit(rel + "/**/*.parquet")}, hive_partitioning = true, union_by_name = true)`;
  }
  if (entries.some((e) => e.endsWith(".parquet"))) return `read_parquet(${lit(rel + "/*.parquet")}, union_by_name = true)`;
  return null;
}

export type WarehouseView = { schema: string; name: string; dataset: string; columns: number; hidden: string[] };

/** Views the warehouse shows for the datasets on disk: which columns, which are held back as PII. */
async function createView(db: Db, paths: Paths, d: Dataset): Promise<WarehouseView | null> {
  const rel = relation(paths, d);
  if (!rel || d.zone === "exports") return null;
  const schema = WAREHOUSE_SCHEMAS[d.zone];
  const described = await rows<{ column_name: string }>(db, `DESCRIBE SELECT * FROM ${rel}`);
  const onDisk = described.map((c) => c.column_name);
  const meta = new Map(d.columns.map((c) => [c.name, c]));
  // Raw columns are shown only when the catalog knows them and classes them as holding no PII.
  const hidden = d.zone === "raw" ? onDisk.filter((c) => meta.get(c)?.pii !== "none") : [];
  const shown = onDisk.filter((c) => !hidden.includes(c));
  if (!shown.length) return null;
  const select = d.zone === "raw" ? shown.map(ident).join(", ") : "*";
  await exec(db, `CREATE OR REPLACE VIEW ${schema}.${ident(d.name)} AS SELECT ${select} FROM ${rel}`);
  const note = hidden.length ? ` Columns that can identify a person are not shown here (${hidden.join(", ")}); see the enriched entities and marts for their redacted or pseudonymised forms.` : "";
  await exec(db, `COMMENT ON VIEW ${schema}.${ident(d.name)} IS ${lit(`${d.description}${d.grain ? ` Grain: ${d.grain}.` : ""}${note} Declared in ${d.declaredIn}.`)}`);
  for (const c of shown) {
    const m = meta.get(c);
    const text = m?.description || (c === "date" ? "Partition day." : "");
    if (text) await exec(db, `COMMENT ON COLUMN ${schema}.${ident(d.name)}.${ident(c)} IS ${lit(text)}`);
  }
  return { schema, name: d.name, dataset: d.id, columns: shown.length, hidden };
}

/** The newest Parquet file of a dataset's folder (the last partition's last file), or null. */
function newestFile(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const entries = readdirSync(dir).filter((e) => !e.startsWith(".")).sort();
  const part = entries.filter((e) => e.includes("=")).at(-1);
  if (part) {
    const files = readdirSync(join(dir, part)).filter((f) => f.endsWith(".parquet")).sort();
    return files.length ? join(dir, part, files.at(-1)!) : null;
  }
  const files = entries.filter((e) => e.endsWith(".parquet"));
  return files.length ? join(dir, files.at(-1)!) : null;
}

/** Everything the warehouse's views and comments are made from, hashed. */
export async function warehouseFingerprint(paths: Paths): Promise<string> {
  const h = createHash("sha256");
  const files: string[] = [];
  for (const d of catalog().datasets) {
    if (d.zone === "exports") continue;
    const file = newestFile(datasetDir(paths, d));
    if (file) files.push(file);
    h.update(JSON.stringify([d.id, d.description, d.grain, d.declaredIn, d.columns, relation(paths, d), file && relative(paths.data, file)]));
  }
  if (files.length) {
    const db = await openDb();
    try {
      const schema = await rows(db, `SELECT file_name, name, type FROM parquet_schema([${files.map(lit).join(", ")}]) ORDER BY ALL`);
      h.update(JSON.stringify(schema));
    } finally {
      db.close();
    }
  }
  return h.digest("hex");
}

const stateFile = (paths: Paths) => join(paths.data, "state", "warehouse.json");

export async function buildWarehouse(paths: Paths, stagedFile = join(paths.staging, "warehouse.duckdb")): Promise<string> {
  const fingerprint = await warehouseFingerprint(paths);
  const built = readCache(stateFile(paths), z.object({ fingerprint: z.string() }), () => null);
  if (existsSync(paths.warehouse) && built?.fingerprint === fingerprint) return paths.warehouse;
  mkdirSync(dirname(stagedFile), { recursive: true });
  rmSync(stagedFile, { force: true });
  rmSync(stagedFile + ".wal", { force: true });
  const db = await openDb(stagedFile, { file_search_path: paths.data });
  try {
    await exec(db, "CREATE SCHEMA IF NOT EXISTS raw");
    await exec(db, "CREATE SCHEMA IF NOT EXISTS enriched");
    for (const d of catalog().datasets) await createView(db, paths, d);
    await exec(db, "CHECKPOINT");
  } finally {
    db.close();
  }
  publishFile(stagedFile, paths.warehouse);
  writeJsonAtomic(stateFile(paths), { fingerprint });
  return paths.warehouse;
}

/** Open the warehouse so its relative paths resolve (against the folder the database file is in). */
export async function openWarehouse(file: string): Promise<Db> {
  return openDb(file, { file_search_path: dirname(file), access_mode: "READ_ONLY" });
}
