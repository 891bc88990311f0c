/**
 * The folder extract's per-file memo (extract/memo.ts, issue 13): a night reads only the source
 * files that are new or changed (or whose records' partitions changed since), merges only the
 * partitions their records touch, and leaves the lake, the counts and the quarantine as a cold
 * extract of the same folder would (rows order-insensitive, lineage included).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { exec, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { compactPartitions } from "../../pipelines/lake/merge.ts";
import { call, summary, tmpDir, writeNdjson } from "../helpers/records.ts";
import { lake } from "../files/helpers.ts";

const ENTITIES = ["users", "calls", "call_summaries"];
const USER = { id: "US1", email: "ann@example.com", firstName: "Ann", lastName: "Lee", groupId: "sales", role: "member" };
const newPaths = () => lakePaths(parseConfig({ paths: { data: tmpDir("memo-data-") } }));

/** A month of calls (one a day from `first`) and their summaries; every third call gets a newer version later in the month. */
function month(dir: string, m: string, first: number, days: number, extra: (object | string)[] = []) {
  const calls: (object | string)[] = [];
  for (let d = 0; d < days; d++) {
    const t = `${m}-${String(first + d).padStart(2, "0")}T10:00:00Z`;
    calls.push(call(`AC${m.replace("-", "")}${d}`, t));
    if (d % 3 === 0) calls.push(call(`AC${m.replace("-", "")}${d}`, t, { duration: 900 + d, updatedAt: `${m}-28T00:00:00Z` }));
  }
  writeNdjson(dir, `calls/${m}.ndjson`, [...calls, ...extra]);
  writeNdjson(dir, `call-summaries/${m}.ndjson`, Array.from({ length: days }, (_, d) => summary(`AC${m.replace("-", "")}${d}`, `summary ${m} ${d}`)));
}

/** Every row of every entity with its partition and lineage, sorted. */
async function content(paths: Paths) {
  const out: Record<string, unknown[]> = {};
  for (const e of ENTITIES) {
    const hive = e === "users" ? "" : ", hive_partitioning = true";
    out[e] = await lake(paths, `SELECT * EXCLUDE (_extra)${hive ? ", date::VARCHAR AS date" : ""} FROM read_parquet('$RAW/${e}/**/*.parquet'${hive}) ORDER BY ALL`);
  }
  return out;
}
const quarantine = (paths: Paths, entity: string) => {
  try { return readFileSync(join(paths.quarantine, `${entity}.ndjson`), "utf8"); } catch { return ""; }
};
type Result = Awaited<ReturnType<typeof extractFiles>>;
const counts = (r: Result) => Object.fromEntries(r.entities.filter((e) => e.files).map((e) => [e.entity, { read: e.read, quarantined: e.quarantined, files: e.files }]));
const filesRead = (r: Result) => Object.fromEntries(r.entities.filter((e) => e.files).map((e) => [e.entity, e.filesRead]));

/** The lake, counts and quarantine of a cold extract of the folder as it is now. */
async function cold(folder: string) {
  const paths = newPaths();
  const r = await extractFiles(paths, folder);
  return { paths, r, lake: await content(paths), quarantine: ENTITIES.map((e) => quarantine(paths, e)) };
}

describe("the folder extract reads only what changed", () => {
  it("a night with one new file reads that file alone, and the lake equals a cold extract of the same folder", async () => {
    const folder = tmpDir("memo-src-");
    writeNdjson(folder, "users.ndjson", [USER]);
    month(folder, "2025-01", 1, 20, ["{not json"]);
    month(folder, "2025-02", 1, 20);
    const paths = newPaths();
    const first = await extractFiles(paths, folder);
    expect(filesRead(first)).toEqual({ users: 1, calls: 2, call_summaries: 2 });

    // The next night: one new month of calls and summaries.
    month(folder, "2025-03", 1, 5);
    const night = await extractFiles(paths, folder);
    expect(filesRead(night)).toEqual({ users: 0, calls: 1, call_summaries: 1 });
    const c = await cold(folder);
    expect(night.entities.find((e) => e.entity === "calls")).toMatchObject({ landed: 5, updated: 2, unchanged: c.r.entities.find((e) => e.entity === "calls")!.read - 5 - 2 - 1 });
    // Only the new days' partitions were written.
    expect(night.entities.find((e) => e.entity === "calls")!.partitions).toBe(5);
    expect(counts(night)).toEqual(counts(c.r));
    expect(await content(paths)).toEqual(c.lake);
    expect(ENTITIES.map((e) => quarantine(paths, e))).toEqual(c.quarantine);
    expect(night.quarantined.map((q) => [q.file, q.line])).toEqual([["calls/2025-01.ndjson", 28]]);

    // A file that grows (the month being written) is read again, alone; its records move on as they would in a full read.
    month(folder, "2025-03", 1, 9);
    const grown = await extractFiles(paths, folder);
    expect(filesRead(grown)).toEqual({ users: 0, calls: 1, call_summaries: 1 });
    const c2 = await cold(folder);
    expect(counts(grown)).toEqual(counts(c2.r));
    expect(await content(paths)).toEqual(c2.lake);

    // Nothing new: no file read, nothing written.
    const none = await extractFiles(paths, folder);
    expect(filesRead(none)).toEqual({ users: 0, calls: 0, call_summaries: 0 });
    expect(none.changed).toBe(false);
    expect(counts(none)).toEqual(counts(c2.r));
  });

  it("a partition changed behind its back is merged again from the files whose records it held; a removed file's records stay, its quarantine entries go", async () => {
    const folder = tmpDir("memo-src-");
    writeNdjson(folder, "users.ndjson", [USER]);
    month(folder, "2025-01", 1, 10, ["{not json"]);
    month(folder, "2025-02", 1, 10);
    const paths = newPaths();
    await extractFiles(paths, folder);
    const before = await content(paths);

    // Someone deletes a day of calls: only the file holding that day's calls is read again, and the day comes back.
    rmSync(join(paths.raw, "calls", "date=2025-02-03"), { recursive: true });
    const r = await extractFiles(paths, folder);
    expect(filesRead(r)).toEqual({ users: 0, calls: 1, call_summaries: 1 });
    expect(r.entities.find((e) => e.entity === "calls")).toMatchObject({ landed: 1, partitions: 1 });
    expect(await content(paths)).toEqual(before);

    // A file removed from the folder: its records stay in the lake (the folder merges, it never deletes), its quarantine entry goes.
    unlinkSync(join(folder, "calls", "2025-01.ndjson"));
    const gone = await extractFiles(paths, folder);
    expect(filesRead(gone)).toEqual({ users: 0, calls: 0, call_summaries: 0 });
    expect(gone.entities.find((e) => e.entity === "calls")).toMatchObject({ files: 1, landed: 0, updated: 0 });
    expect(await content(paths)).toEqual(before);
    // Its quarantine entry goes when the entity is read next (here: a new file), as a full read would drop it.
    month(folder, "2025-03", 1, 2);
    const next = await extractFiles(paths, folder);
    expect(filesRead(next)).toEqual({ users: 0, calls: 1, call_summaries: 1 });
    expect(next.quarantined).toEqual([]);
    expect(quarantine(paths, "calls")).toBe("");
  });

  it("a snapshot entity's file rewritten in place: lines unchanged at their place are not read again, and the lake equals a cold extract", async () => {
    const folder = tmpDir("memo-src-");
    const user = (n: number, lastName = "Lee") => ({ ...USER, id: `US${n}`, email: `u${n}@example.com`, lastName });
    writeNdjson(folder, "users.ndjson", [user(1), user(2), "{not json", user(3)]);
    month(folder, "2025-01", 1, 3);
    const paths = newPaths();
    await extractFiles(paths, folder);

    // One user changes, one is added: the file is read again, its unchanged lines skipped.
    writeNdjson(folder, "users.ndjson", [user(1), user(2, "Park"), "{not json", user(3), user(4)]);
    const r = await extractFiles(paths, folder);
    expect(filesRead(r)).toEqual({ users: 1, calls: 0, call_summaries: 0 });
    expect(r.entities.find((e) => e.entity === "users")).toMatchObject({ read: 5, landed: 1, updated: 1, unchanged: 2, quarantined: 1 });
    const c = await cold(folder);
    expect(counts(r)).toEqual(counts(c.r));
    expect(await content(paths)).toEqual(c.lake);
    expect(ENTITIES.map((e) => quarantine(paths, e))).toEqual(c.quarantine);

    // A line inserted at the top moves every other: all are read again, and their lineage follows.
    writeNdjson(folder, "users.ndjson", [user(5), user(1), user(2, "Park"), "{not json", user(3), user(4)]);
    const moved = await extractFiles(paths, folder);
    expect(moved.entities.find((e) => e.entity === "users")).toMatchObject({ read: 6, landed: 1, quarantined: 1 });
    const c2 = await cold(folder);
    expect(await content(paths)).toEqual(c2.lake);
    expect(ENTITIES.map((e) => quarantine(paths, e))).toEqual(c2.quarantine);
  });

  it("a run that died after its lake commit but before saving the memo is followed by one that reads those files again and changes nothing", async () => {
    const folder = tmpDir("memo-src-");
    writeNdjson(folder, "users.ndjson", [USER]);
    month(folder, "2025-01", 1, 10);
    const paths = newPaths();
    await extractFiles(paths, folder);
    const state = join(paths.data, "state");
    const memoFile = readdirSync(state).find((f) => /^folder-.*\.json$/.test(f))!;
    const saved = readFileSync(join(state, memoFile));

    month(folder, "2025-02", 1, 4);
    await extractFiles(paths, folder);
    const after = await content(paths);
    // As if the process had been killed between the lake commit and the memo's save: the memo of the run before.
    writeFileSync(join(state, memoFile), saved);
    const r = await extractFiles(paths, folder);
    expect(filesRead(r)).toEqual({ users: 0, calls: 1, call_summaries: 1 });
    expect(r.changed).toBe(false);
    expect(await content(paths)).toEqual(after);
    expect(await content(paths)).toEqual((await cold(folder)).lake);
  });

  it("compacting a staged partition of two files keeps the lake's columns (the folder's date= is no column)", async () => {
    const dir = tmpDir("compact-");
    const db = await openDb(":memory:");
    try {
      mkdirSync(join(dir, "date=2025-01-01"), { recursive: true });
      for (const i of [0, 1]) await exec(db, `COPY (SELECT ${i} AS id, 'x' AS v) TO '${join(dir, "date=2025-01-01", `part-${i}.parquet`)}' (FORMAT parquet)`);
      await compactPartitions(db, dir);
      const cols = await rows<{ name: string }>(db, `SELECT name FROM parquet_schema('${join(dir, "date=2025-01-01", "part-0.parquet")}') WHERE name <> 'duckdb_schema' ORDER BY name`);
      expect(cols.map((c) => c.name)).toEqual(["id", "v"]);
      expect(await rows(db, `SELECT id FROM read_parquet('${join(dir, "date=2025-01-01", "*.parquet")}', hive_partitioning = false) ORDER BY id`)).toEqual([{ id: 0 }, { id: 1 }]);
    } finally {
      db.close();
    }
  });
});
