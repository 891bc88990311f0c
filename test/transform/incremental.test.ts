/**
 * Incremental marts equal a full rebuild (issue 13, item 1): a short demo business is landed as of one
 * day and transformed; then it grows by a day (new calls and texts; contacts as of the new day), an
 * old call is corrected (a later version of a call months back), and it grows by one more day, each
 * followed by an incremental transform. After every run the published marts must equal a full refresh
 * over a copy of the same lake (rows, order-insensitive, floats to 1e-9); the incremental marts must
 * not have been rebuilt whole, and the corrected call must show its new value in its rewritten month
 * (so the comparison is not vacuous).
 */
import { afterAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import "../../pipelines/app/config.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { runTransforms, type TransformResult } from "../../pipelines/transform/run.ts";
import { martDigests } from "../../pipelines/transform/digest.ts";
import { cleanup, generateInto } from "../demo/helpers.ts";
import { tmpDir, writeNdjson } from "../helpers/records.ts";

const BUSINESS = { years: 0.25, seed: 13 };

/** A full refresh over a copy of the lake's inputs, in another data folder: the digests to compare with. */
async function fullRebuild(paths: Paths): Promise<Record<string, { rows: number; md5: string }>> {
  const data = tmpDir("full-");
  const config = parseConfig({ paths: { data } });
  const other = lakePaths(config);
  cpSync(paths.raw, other.raw, { recursive: true });
  if (existsSync(paths.enriched)) cpSync(paths.enriched, other.enriched, { recursive: true });
  await runTransforms(config, other, { fullRefresh: true });
  return martDigests(other.marts, { roundDigits: 9 });
}

const run = (r: TransformResult, mart: string) => r.models.find((m) => m.model === mart)!;

describe("incremental marts", () => {
  afterAll(cleanup);

  it("after new days and a corrected old record, the incremental marts equal a full rebuild", async () => {
    const data = tmpDir("data-");
    const config = parseConfig({ paths: { data } });
    const paths = lakePaths(config);
    const land = async (day: string) => extractFiles(paths, (await generateInto("incr", { ...BUSINESS, emitUntil: day })).outDir);

    await land("2026-11-10");
    await runTransforms(config, paths);
    const months = readdirSync(join(paths.marts, "calls")).sort();
    expect(months.length).toBeGreaterThanOrEqual(4);
    const mtimes = () => Object.fromEntries(readdirSync(join(paths.marts, "calls")).sort().map((m) => [m, statSync(join(paths.marts, "calls", m, "part-0.parquet")).mtimeMs]));

    // Night 1: one more day.
    await land("2026-11-11");
    let r = await runTransforms(config, paths);
    for (const mart of ["calls", "interactions"]) expect(run(r, mart).rebuilt, mart).not.toBe("all");
    expect(await martDigests(paths.marts, { roundDigits: 9 })).toEqual(await fullRebuild(paths));

    const afterNight1 = mtimes();

    // A correction months back: a later version of one of the oldest month's calls.
    const demo = await generateInto("incr", { ...BUSINESS, emitUntil: "2026-11-12" });
    const callFile = join(demo.outDir, "calls", readdirSync(join(demo.outDir, "calls")).sort()[0]!);
    const lines = readFileSync(callFile, "utf8").trim().split("\n");
    const old = JSON.parse(lines[Math.floor(lines.length / 2)]!); // mid-month: its local month is its UTC month
    const fix = tmpDir("fix-");
    writeNdjson(fix, "calls/fix.ndjson", [{ ...old, duration: 4321, updatedAt: "2026-11-12T12:00:00.000Z" }]);
    await extractFiles(paths, fix);
    // Night 2: the correction and one more day.
    await extractFiles(paths, demo.outDir);
    r = await runTransforms(config, paths);
    for (const mart of ["calls", "interactions"]) expect(run(r, mart).rebuilt, mart).not.toBe("all");
    const incremental = await martDigests(paths.marts, { roundDigits: 9 });
    expect(incremental).toEqual(await fullRebuild(paths));
    expect(incremental.calls!.rows).toBeGreaterThan(500);

    const db = await openDb();
    try {
      const [c] = await rows<{ d: number }>(db, `SELECT duration_seconds AS d FROM read_parquet('${paths.marts}/calls/**/*.parquet', hive_partitioning = true) WHERE call_id = '${old.id}'`);
      expect(c!.d).toBe(4321);
    } finally { db.close(); }
    // The corrected call's month was rewritten (besides the new day's, and those holding the calls of
    // contacts that changed: in a young business most contacts' calls span every month).
    const afterNight2 = mtimes();
    const rewritten = months.filter((m) => afterNight2[m] !== afterNight1[m]);
    expect(rewritten).toContain(months.find((m) => m.endsWith(String(old.createdAt).slice(0, 7)))!);
    expect(rewritten).toContain(months.at(-1)!);
  }, 900_000);
});
