import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { commitStreams, streamPaths, type Stream } from "../../pipelines/lake/commit.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { LandingWriter } from "../../pipelines/lake/landing.ts";
import { call, tmpDir, writeNdjson } from "../helpers/records.ts";

/** Records landed as an API walk lands them: `{at, entity, record}` lines. */
function recordStream(paths: Paths): Stream {
  return { name: "test", ...streamPaths(paths, "test"), route: (l) => [{ entity: String(l.entity), record: l.record }] };
}
async function land(paths: Paths, records: [string, object][]) {
  const w = new LandingWriter(streamPaths(paths, "test").dir);
  await w.append(records.map(([entity, record]) => JSON.stringify({ at: new Date().toISOString(), entity, record })));
  await w.close();
  return commitStreams(paths, [recordStream(paths)]);
}
async function q(paths: Paths, sql: string) {
  const db = await openDb();
  try { return await rows(db, sql.replaceAll("$RAW", paths.raw)); } finally { db.close(); }
}
const setup = () => lakePaths(parseConfig({ paths: { data: tmpDir("merge-") } }));
const part = (paths: Paths, day: string) => join(paths.raw, "calls", `date=${day}`, "part-0.parquet");

describe("merge-mode landing", () => {
  it("onto a snapshot lake: one schema rewrite, then only the touched partitions change; the snapshot mode is untouched", async () => {
    const paths = setup();
    const src = tmpDir("src-");
    writeNdjson(src, "calls/a.ndjson", [call("AC1", "2025-01-01T10:00:00Z"), call("AC2", "2025-01-02T10:00:00Z"), call("AC3", "2025-01-03T10:00:00Z")]);
    await extractFiles(paths, src);
    const first = await land(paths, [["calls", call("AC4", "2025-01-04T10:00:00Z")], ["calls", call("AC1", "2025-01-01T10:00:00Z", { duration: 999, updatedAt: "2025-01-05T00:00:00Z" })]]);
    expect(first.entities[0]).toMatchObject({ entity: "calls", read: 2, landed: 1, updated: 1, unchanged: 0 });
    // Every partition now has the merge schema (with _extra): read as the transforms read it, without union_by_name.
    const sigs = await q(paths, "SELECT DISTINCT string_agg(name, ',' ORDER BY column_id) AS s FROM parquet_schema('$RAW/calls/*/*.parquet') GROUP BY file_name");
    expect(sigs).toHaveLength(1);
    expect(await q(paths, "SELECT id, duration FROM read_parquet('$RAW/calls/*/*.parquet', hive_partitioning = true) ORDER BY id")).toEqual([
      { id: "AC1", duration: 999 }, { id: "AC2", duration: 300 }, { id: "AC3", duration: 300 }, { id: "AC4", duration: 300 },
    ]);
    const before = Object.fromEntries(["2025-01-01", "2025-01-02", "2025-01-03"].map((d) => [d, statSync(part(paths, d)).ino]));
    await land(paths, [["calls", call("AC5", "2025-01-03T12:00:00Z")]]);
    expect(statSync(part(paths, "2025-01-01")).ino).toBe(before["2025-01-01"]);
    expect(statSync(part(paths, "2025-01-02")).ino).toBe(before["2025-01-02"]);
    expect(statSync(part(paths, "2025-01-03")).ino).not.toBe(before["2025-01-03"]);
  });

  it("a record that changes day leaves no copy behind; an older version never replaces a newer one; small files are compacted", async () => {
    const paths = setup();
    await land(paths, [["calls", call("AC1", "2025-01-01T10:00:00Z", { updatedAt: "2025-01-02T00:00:00Z" })], ["calls", call("AC2", "2025-01-01T11:00:00Z")]]);
    const moved = await land(paths, [["calls", call("AC1", "2025-01-02T23:00:00Z", { updatedAt: "2025-01-03T00:00:00Z" })]]);
    expect(moved.entities[0]).toMatchObject({ landed: 0, updated: 1 });
    expect(await q(paths, "SELECT id, date::VARCHAR AS d FROM read_parquet('$RAW/calls/*/*.parquet', hive_partitioning = true) ORDER BY id")).toEqual([
      { id: "AC1", d: "2025-01-02" }, { id: "AC2", d: "2025-01-01" },
    ]);
    const stale = await land(paths, [["calls", call("AC1", "2025-01-02T23:00:00Z", { duration: 1, updatedAt: "2024-12-31T00:00:00Z" })]]);
    expect(stale.entities[0]).toMatchObject({ landed: 0, updated: 0, unchanged: 1 });
    // A second file in a partition (e.g. copied in by hand) is folded into one on the next merge.
    cpSync(part(paths, "2025-01-01"), join(paths.raw, "calls", "date=2025-01-01", "part-1.parquet"));
    await land(paths, [["calls", call("AC3", "2025-01-05T10:00:00Z")]]);
    expect(readdirSync(join(paths.raw, "calls", "date=2025-01-01"))).toEqual(["part-0.parquet"]);
    expect(await q(paths, "SELECT count(*)::INT AS n FROM read_parquet('$RAW/calls/*/*.parquet')")).toEqual([{ n: 3 }]);
  });

  it("a publish interrupted between moving the old partition aside and the new one in is rolled forward by the next run", async () => {
    const paths = setup();
    await land(paths, [["calls", call("AC1", "2025-01-01T10:00:00Z")]]);
    // Stage a rewrite of date=2025-01-01 by hand, write its journal, and "crash" after the first rename.
    const staging = join(paths.staging, "merge");
    const staged = join(staging, "calls");
    mkdirSync(staged, { recursive: true });
    cpSync(join(paths.raw, "calls", "date=2025-01-01"), join(staged, "date=2025-01-01"), { recursive: true });
    const trash = join(staging, "calls.trash");
    mkdirSync(trash, { recursive: true });
    writeFileSync(join(staging, "calls.journal.json"), JSON.stringify({ target: join(paths.raw, "calls"), staged, trash, swap: ["date=2025-01-01"], remove: [] }));
    renameSync(join(paths.raw, "calls", "date=2025-01-01"), join(trash, "date=2025-01-01"));
    expect(existsSync(join(paths.raw, "calls", "date=2025-01-01"))).toBe(false);
    await land(paths, [["calls", call("AC2", "2025-01-02T10:00:00Z")]]);
    expect(await q(paths, "SELECT id FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).toEqual([{ id: "AC1" }, { id: "AC2" }]);
    expect(existsSync(join(staging, "calls.journal.json"))).toBe(false);
  });
});
