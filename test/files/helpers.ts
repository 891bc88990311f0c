/** File-drop test helpers: a data dir with config sources, the import, lake queries. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { fileSources } from "../../pipelines/extract/sources.ts";
import { importSources } from "../../pipelines/sources/files/import.ts";
import { tmpDir } from "../helpers/records.ts";

export function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A config with these sources (mappings validated by the config schema, as from the YAML file). */
export function setup(sources: { name: string; path: string; mapping: unknown }[]) {
  const data = tmpDir("files-");
  const config = parseConfig({ paths: { data }, sources });
  return { config, paths: lakePaths(config), data };
}

export const run = (s: { config: ReturnType<typeof parseConfig>; paths: Paths }, hooks = {}) => importSources(s.paths, fileSources(s.config), hooks);

export async function lake(paths: Paths, sql: string) {
  const db = await openDb();
  try { return await rows(db, sql.replaceAll("$RAW", paths.raw)); } finally { db.close(); }
}

export function quarantine(file: string) {
  return readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { file: string; line: number; field: string | null; reason: string; record: string });
}

export const yaml = (x: unknown) => stringify(x);
export { join };
