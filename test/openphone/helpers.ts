/** Shared by the OpenPhone contract tests: a data dir, the extract against the fake, lake snapshots. */
import { API_KEY } from "./env.ts";
import { join } from "node:path";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { entityFiles } from "../../pipelines/lake/merge.ts";
import { extractOpenPhone, type OpenPhoneOptions } from "../../pipelines/sources/openphone/extract.ts";
import { tmpDir } from "../helpers/records.ts";

export { API_KEY };

export function dataDir(prefix = "op-"): Paths {
  return lakePaths(parseConfig({ paths: { data: tmpDir(prefix) } }));
}

export const FAST = { timeoutMs: 400, client: { backoffBaseMs: 100, backoffMaxMs: 400 } } satisfies Partial<OpenPhoneOptions>;

export function extract(paths: Paths, url: string, o: Partial<OpenPhoneOptions> = {}) {
  return extractOpenPhone(paths, { baseUrl: url, ...FAST, ...o });
}

const KEYS: Record<string, string> = {
  phone_numbers: "id", users: "id", contact_custom_fields: "key", conversations: "id", calls: "id", messages: "id",
  call_recordings: "id", call_summaries: "callId", call_transcripts: "callId",
};

/** Every entity's rows (lineage columns left out: they name landing files), with each row's partition. */
export async function lakeSnapshot(paths: Paths): Promise<Record<string, unknown[]>> {
  const db = await openDb();
  try {
    const out: Record<string, unknown[]> = {};
    for (const [entity, key] of Object.entries(KEYS)) {
      const files = [...entityFiles(join(paths.raw, entity)).values()].flat();
      if (!files.length) { out[entity] = []; continue; }
      const list = `[${files.map((f) => `'${f}'`).join(", ")}]`;
      const partitioned = files.some((f) => f.includes("date="));
      out[entity] = await rows(db, `SELECT * EXCLUDE (_source_file, _source_line)${partitioned ? ", date::VARCHAR AS date" : ""} FROM read_parquet(${list}${partitioned ? ", hive_partitioning = true" : ""}) ORDER BY "${key}"`);
    }
    return out;
  } finally {
    db.close();
  }
}
