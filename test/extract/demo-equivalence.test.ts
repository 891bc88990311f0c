/**
 * The demo folder lands through the merge (MERGE_ENTITIES' keys and version orders) instead of the
 * snapshot extract it replaced, whose per-entity version orders differed (users and call-flow
 * events by source line, summaries by file and line, calls without completedAt/answeredAt). On a
 * generated demo both must give the same lake: the snapshot's semantics are re-implemented here
 * (zod validation, latest version per key by its orders, the UTC day, a transcript's or summary's
 * day from its call, orphans left out) and compared row for row, lineage and partition included.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { duckdbColumns, readJsonColumns } from "../../pipelines/catalog/duckdbTypes.ts";
import { mergeEntity } from "../../pipelines/catalog/raw.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, sourceRelation } from "../../pipelines/core/paths.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { ENTITIES } from "../../pipelines/lake/entities.ts";
import { sourceFiles } from "../../pipelines/lake/validate.ts";
import { tmpDir } from "../helpers/records.ts";
import { cleanup, generateInto } from "../demo/helpers.ts";

const utcDay = (col: string) => `strftime(${col} AT TIME ZONE 'UTC', '%Y-%m-%d')`;

/** The snapshot extract's definitions, as they were (lake/entities.ts before the merge replaced it). */
const SNAPSHOT: Record<string, { key: string; version: string; day: string | null; fromCall?: boolean }> = {
  phone_numbers: { key: "id", version: "updatedAt DESC", day: null },
  users: { key: "id", version: "_source_line DESC", day: null },
  contacts: { key: "id", version: "updatedAt DESC", day: null },
  calls: { key: "id", version: "coalesce(updatedAt, createdAt) DESC", day: utcDay("createdAt") },
  messages: { key: "id", version: "updatedAt DESC", day: utcDay("createdAt") },
  call_flow_events: { key: "id", version: "_source_line DESC", day: utcDay("occurredAt") },
  survey_responses: { key: "id", version: "respondedAt DESC", day: utcDay("respondedAt") },
  call_transcripts: { key: "callId", version: "createdAt DESC", day: null, fromCall: true },
  call_summaries: { key: "callId", version: "_source_file DESC, _source_line DESC", day: null, fromCall: true },
};

/** Valid records of an entity's files with their lineage, as the snapshot extract staged them. */
function validated(sourceDir: string, path: string, schema: z.ZodType, out: string): void {
  const lines: string[] = [];
  for (const file of sourceFiles(sourceDir, path)) {
    readFileSync(file, "utf8").split("\n").forEach((text, i) => {
      if (!text.trim()) return;
      const parsed = schema.safeParse(JSON.parse(text));
      if (parsed.success) lines.push(JSON.stringify({ ...(parsed.data as object), _source_file: relative(sourceDir, file), _source_line: i + 1 }));
    });
  }
  writeFileSync(out, lines.join("\n") + "\n");
}

describe("the demo folder through the merge", () => {
  afterAll(cleanup);

  it("gives the lake the snapshot extract gave: same rows, values, lineage and partitions", async () => {
    const demo = await generateInto("merge-eq", { years: 0.25, seed: 11 });
    const paths = lakePaths(parseConfig({ paths: { data: tmpDir("data-") } }));
    const r = await extractFiles(paths, demo.outDir);
    expect(r.entities.every((e) => e.read > 0 && e.quarantined === 0)).toBe(true);

    const work = tmpDir("snapshot-");
    const db = await openDb();
    try {
      for (const { name, path } of ENTITIES) {
        const e = mergeEntity(name);
        const s = SNAPSHOT[name]!;
        const staged = join(work, `${name}.ndjson`);
        validated(demo.outDir, path, e.schema, staged);
        const columns = { ...duckdbColumns(e.schema), _source_file: "VARCHAR", _source_line: "BIGINT" };
        const day = s.fromCall ? "parent.date" : s.day ?? "NULL::VARCHAR";
        const parent = s.fromCall ? `LEFT JOIN (SELECT id AS _call, date FROM snapshot_calls) parent ON parent._call = latest.callId` : "";
        await exec(db, `CREATE TABLE snapshot_${name} AS
          SELECT latest.*, ${day} AS date FROM (
            SELECT * FROM read_json(${lit(staged)}, format = 'newline_delimited', columns = ${readJsonColumns(columns)})
            QUALIFY row_number() OVER (PARTITION BY ${s.key} ORDER BY ${s.version}) = 1
          ) latest ${parent}
          ${s.day || s.fromCall ? "WHERE date IS NOT NULL" : ""}`);
        const cols = Object.keys(columns).map((c) => `"${c}"`).join(", ");
        const date = s.day || s.fromCall ? "CAST(date AS VARCHAR)" : "NULL::VARCHAR";
        const merged = `SELECT ${cols}, ${date} AS date FROM ${sourceRelation(paths.raw, name)}`;
        const snapshot = `SELECT ${cols}, date FROM snapshot_${name}`;
        const [d] = await rows<{ n: number; merged: number; snapshot: number }>(db, `SELECT
          (SELECT count(*) FROM snapshot_${name})::INT AS n,
          (SELECT count(*) FROM (${merged} EXCEPT ALL ${snapshot}))::INT AS merged,
          (SELECT count(*) FROM (${snapshot} EXCEPT ALL ${merged}))::INT AS snapshot`);
        expect(d, name).toEqual({ n: r.entities.find((x) => x.entity === name)!.landed, merged: 0, snapshot: 0 });
        expect(d!.n, name).toBeGreaterThan(0);
      }
      // Nothing the snapshot lacked: the merge's one extra column, _extra, holds nothing for the demo.
      const [x] = await rows<{ n: number }>(db, `SELECT count(*)::INT AS n FROM ${sourceRelation(paths.raw, "calls")} WHERE _extra IS NOT NULL`);
      expect(x!.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
