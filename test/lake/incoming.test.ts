/**
 * The landing path without a staging copy (issue 13): validated records go to DuckDB as their own
 * source text (json_transform with the lake's types), never re-serialised to a second NDJSON. The
 * lake must hold what the old path landed: zod's output serialised and read back with read_json and
 * the same column types. Lines written in every valid way the JS reader accepts (spaces around
 * colons, 300.0 for an integer, an offset on a timestamp, escapes, a field the schema does not
 * know at the top and inside a list element) are compared with that oracle; and the shortcut
 * that skips the JSON scan of a line must find every problem the scan finds.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lit, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { lakeColumns, mergeEntity } from "../../pipelines/catalog/raw.ts";
import { readJsonColumns } from "../../pipelines/catalog/duckdbTypes.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { splitExtra } from "../../pipelines/lake/records.ts";
import { jsonProblem, parsedJsonProblem, readerLimits, setReaderLimits } from "../../pipelines/lake/quarantine.ts";
import { call, tmpDir, writeNdjson } from "../helpers/records.ts";

const transcript = (callId: string, over: Record<string, unknown> = {}) => ({
  callId, createdAt: "2025-01-01T10:10:00Z", duration: 300, status: "completed",
  dialogue: [{ content: "hello", start: 0, end: 1.5, identifier: "+14155550100", userId: null }], ...over,
});

/** What the old path staged for a good line: zod's output, `_extra`, lineage, one JSON line. */
function staged(entity: string, text: string, file: string, line: number): string {
  const record = JSON.parse(text) as Record<string, unknown>;
  const e = mergeEntity(entity);
  const out = e.schema.parse(record) as Record<string, unknown>;
  return JSON.stringify({ ...out, _extra: splitExtra(e.schema, record), _source_file: file, _source_line: line });
}

describe("landing without a staging copy", () => {
  it("lands each line's own text as the re-serialised record landed", async () => {
    const paths = lakePaths(parseConfig({ paths: { data: tmpDir("incoming-") } }));
    const src = tmpDir("incoming-src-");
    const calls = [
      JSON.stringify(call("AC1", "2025-01-01T10:00:00Z")).replaceAll('":', '" : ').replaceAll(',"', ', "'),
      JSON.stringify(call("AC2", "2025-01-01T11:00:00Z", { newVendorField: { nested: [1, 2.50, "x"] } })).replace('"duration":300', '"duration":300.0'),
      JSON.stringify(call("AC3", "2025-01-02T12:00:00+02:00", { updatedAt: "2025-01-02T12:05:00.123-05:00" })),
    ];
    const transcripts = [
      JSON.stringify(transcript("AC1", { dialogue: [{ content: "caf\\u00e9 \"x\"\\n", start: 0, end: 1e0, identifier: "+1", userId: "US1", vendorSegmentField: true }] })),
      JSON.stringify(transcript("AC2", { dialogue: null, duration: 12.25 })),
    ];
    writeNdjson(src, "calls/2025-01.ndjson", calls);
    writeNdjson(src, "call-transcripts/2025-01.ndjson", transcripts);
    const r = await extractFiles(paths, src);
    expect(r.quarantined).toEqual([]);
    expect(r.entities.filter((e) => e.landed)).toMatchObject([{ entity: "calls", landed: 3 }, { entity: "call_transcripts", landed: 2 }]);
    // No staging copy was left (and none is written: the records go through DuckDB's appender).
    expect(readdirSync(paths.staging, { recursive: true }).filter((f) => String(f).endsWith(".ndjson"))).toEqual([]);

    const db = await openDb();
    try {
      for (const [entity, dir, lines] of [["calls", "calls", calls], ["call_transcripts", "call-transcripts", transcripts]] as const) {
        const oracle = join(tmpDir("oracle-"), `${entity}.ndjson`);
        writeFileSync(oracle, lines.map((t, i) => staged(entity, t, `${dir}/2025-01.ndjson`, i + 1)).join("\n") + "\n");
        const cols = lakeColumns(mergeEntity(entity));
        const key = mergeEntity(entity).key[0]!;
        const want = await rows(db, `SELECT * FROM read_json(${lit(oracle)}, format = 'newline_delimited', columns = ${readJsonColumns(cols)}) ORDER BY "${key}"`);
        const got = await rows(db, `SELECT * EXCLUDE (date) FROM read_parquet(${lit(join(paths.raw, entity, "*", "*.parquet"))}, hive_partitioning = true) ORDER BY "${key}"`);
        expect(got, entity).toEqual(want);
        expect(got.length).toBe(lines.length);
      }
      const extra = await rows<{ id: string; x: string | null }>(db, `SELECT id, _extra::VARCHAR AS x FROM read_parquet(${lit(join(paths.raw, "calls", "*", "*.parquet"))}) ORDER BY id`);
      expect(extra).toEqual([{ id: "AC1", x: null }, { id: "AC2", x: '{"newVendorField":{"nested":[1,2.5,"x"]}}' }, { id: "AC3", x: null }]);
    } finally {
      db.close();
    }
  }, 60_000);

  it("skips the JSON scan of a line only when the scan would find nothing", () => {
    const before = { ...readerLimits };
    setReaderLimits({ maxFieldChars: 40 });
    try {
      const lines = [
        '{"a":1,"b":{"c":"x"}}', '{"a":1,"a":2}', '{"a" :1,"a":1}', '{"b":{"c":1,"c":1}}', '{"a":"\\u0000"}', '{"a":"\\ud800"}', '{"a":"\\ud83d\\ude00"}',
        '{"\\u0061":1,"a":2}', '{"2":1,"1":2}', '{"a":"x"}'.replace("x", "y".repeat(41)), '{"a":"x"}'.replace("x", "y".repeat(30)) + " ".repeat(20),
        '[{"a":1},{"a":1,"a":1}]', '{"a":1.0,"a":1.0}', '{ "a": [1, 2] }', '{"a":":x","a":1}', '{"a":":x"}', '{"a"\t:1,"a":1}', '{"a":1,"a"\r:1}',
        '{"a":[{"b":1},{"b":2,"c":{"d":null,"d":null}}]}', '{"__proto__":1,"__proto__":2}',
      ];
      for (const l of lines) expect(parsedJsonProblem(l, JSON.parse(l)), l).toEqual(jsonProblem(l));
      expect(lines.filter((l) => jsonProblem(l) !== null)).toHaveLength(14);
    } finally {
      setReaderLimits(before);
    }
  });
});
