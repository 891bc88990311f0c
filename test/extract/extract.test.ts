import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { setReaderLimits } from "../../pipelines/lake/quarantine.ts";
import { call, summary, tmpDir, writeNdjson } from "../helpers/records.ts";

function source() {
  const dir = tmpDir("src-");
  writeNdjson(dir, "calls/2025-01.ndjson", [
    call("AC1", "2025-01-02T15:00:00Z", { duration: 300, updatedAt: "2025-01-02T15:05:00Z" }),
    call("AC2", "2025-01-02T16:00:00Z", { participants: ["12345"] }),        // bad phone number
    call("AC3", "2025-01-03T09:00:00Z"),
    "{not json",
  ]);
  writeNdjson(dir, "calls/2025-02.ndjson", [
    call("AC1", "2025-01-02T15:00:00Z", { duration: 360, updatedAt: "2025-01-09T10:00:00Z" }), // later version
    (({ createdAt: _drop, ...rest }) => rest)(call("AC4", "2025-02-01T10:00:00Z")),             // missing field
  ]);
  writeNdjson(dir, "call-summaries/x.ndjson", [summary("AC1", "login help"), summary("AC99", "orphan")]);
  return dir;
}

async function lakeRows(data: string, sql: string) {
  const db = await openDb();
  try { return await rows(db, sql.replaceAll("$RAW", join(data, "lake", "raw"))); } finally { db.close(); }
}

describe("file-drop extract", () => {
  it("lands good rows, quarantines bad ones with file, line, field and reason", async () => {
    // An orphan summary is quarantined at once when the wait for its call is 0 (held back otherwise: hostile.test.ts).
    setReaderLimits({ orphanWaitMs: 0 });
    onTestFinished(() => setReaderLimits({ orphanWaitMs: 48 * 3_600_000 }));
    const data = tmpDir("data-");
    const paths = lakePaths(parseConfig({ paths: { data } }));
    const r = await extractFiles(paths, source());
    const calls = r.entities.find((e) => e.entity === "calls")!;
    expect(calls).toMatchObject({ read: 6, landed: 2, updated: 1, quarantined: 3 });
    // Nothing is lost: every read row is landed, replaced by a later version, or quarantined.
    expect(calls.landed + calls.updated + calls.quarantined).toBe(calls.read);
    const q = readFileSync(join(data, "quarantine", "calls.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(q.map((x) => [x.file, x.line, x.field])).toEqual([
      ["calls/2025-01.ndjson", 2, "participants.0"],
      ["calls/2025-01.ndjson", 4, null],
      ["calls/2025-02.ndjson", 2, "createdAt"],
    ]);
    // The reason names the field and the rule, never the value (the record itself is in the quarantine).
    expect(q[0].reason).toMatch(/participants\.0: expected an E\.164 phone number$/);
    expect(q[0].reason).not.toContain("12345");
    expect(q[0].record).toContain("12345");
    expect(q[1].reason).toMatch(/invalid JSON/);
    expect(q[2].reason).toMatch(/createdAt: .*\(got missing\)/);

    const landed = await lakeRows(data, "SELECT id, duration, date::VARCHAR AS date FROM read_parquet('$RAW/calls/*/*.parquet', hive_partitioning = true) ORDER BY id");
    expect(landed).toEqual([
      { id: "AC1", duration: 360, date: "2025-01-02" },   // the later version replaced the first
      { id: "AC3", duration: 300, date: "2025-01-03" },
    ]);
    const sq = r.quarantined.find((x) => x.entity === "call_summaries")!;
    expect(sq.reason).toBe("callId: not found among landed calls (id), quarantined after waiting 0 h");
    expect(JSON.parse(sq.record)).toMatchObject({ callId: "AC99" }); // the full record
  });

  it("a rerun over the same input gives the same lake, byte for byte", async () => {
    const data = tmpDir("data-");
    const src = source();
    const paths = lakePaths(parseConfig({ paths: { data } }));
    await extractFiles(paths, src);
    const file = join(data, "lake", "raw", "calls", "date=2025-01-02", "part-0.parquet");
    const first = readFileSync(file);
    await extractFiles(paths, src);
    expect(readFileSync(file).equals(first)).toBe(true);
    const all = await lakeRows(data, "SELECT count(*) AS n FROM read_parquet('$RAW/calls/*/*.parquet')");
    expect(all[0]!.n).toBe(2);
  });

  it("leftovers of a crashed run are never visible and are cleared by the rerun", async () => {
    const data = tmpDir("data-");
    const paths = lakePaths(parseConfig({ paths: { data } }));
    // A crash mid-write leaves a half-written partition in staging only.
    const torn = join(paths.staging, "extract", "parquet", "calls", "date=2025-01-02");
    mkdirSync(torn, { recursive: true });
    writeFileSync(join(torn, "part-0.parquet"), "PAR1 half written");
    expect(existsSync(join(paths.raw, "calls"))).toBe(false);
    await extractFiles(paths, source());
    expect(existsSync(torn)).toBe(false);
    const n = await lakeRows(data, "SELECT count(*) AS n FROM read_parquet('$RAW/calls/*/*.parquet')");
    expect(n[0]!.n).toBe(2);
  });
});
