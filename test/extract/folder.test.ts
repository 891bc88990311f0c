/**
 * The NDJSON folder extract (the demo folder, `--input`) merges by key like every other source:
 * what the API, webhooks or file drops landed stays, a newer version in the folder replaces the
 * lake's, and a rerun over the same folder changes nothing.
 */
import { readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { commitStreams, streamPaths } from "../../pipelines/lake/commit.ts";
import { LandingWriter } from "../../pipelines/lake/landing.ts";
import { setReaderLimits } from "../../pipelines/lake/quarantine.ts";
import { webhookStream } from "../../pipelines/sources/webhook/events.ts";
import { call, summary, tmpDir, writeNdjson, fileStamps } from "../helpers/records.ts";
import { lake, run, setup, write } from "../files/helpers.ts";
import { callEvent, summaryEvent } from "../webhook/helpers.ts";

/** Events as the listener lands them, committed as `extract --source webhooks` does. */
async function webhooks(paths: Paths, events: { id: string }[]) {
  const w = new LandingWriter(streamPaths(paths, "webhooks").dir);
  await w.append(events.map((e) => JSON.stringify({ at: new Date().toISOString(), endpoint: "openphone", id: `openphone:${e.id}`, body: e })));
  await w.close();
  return commitStreams(paths, [webhookStream(streamPaths(paths, "webhooks"))]);
}

const files = (dir: string) => fileStamps(dir);

const ino = (paths: Paths, entity: string, day: string) => statSync(join(paths.raw, entity, `date=${day}`, "part-0.parquet")).ino;
const calls = (paths: Paths) => lake(paths, "SELECT id, duration, date::VARCHAR AS date FROM read_parquet('$RAW/calls/*/*.parquet', hive_partitioning = true) ORDER BY id");

/** A file drop of calls in the canonical NDJSON shape. */
const CALL_FIELDS = Object.fromEntries(Object.keys(call("AC1", "2025-01-01T00:00:00Z")).map((f) => [f, /At$/.test(f) ? { timestamp: f } : f]));

describe("the folder extract merges by key", () => {
  it("keeps what a webhook and a file drop landed, and on a version tie a re-read folder does not replace another source's row", async () => {
    const drop = tmpDir("drop-");
    write(join(drop, "calls.ndjson"), JSON.stringify(call("ACF1", "2025-03-06T10:00:00Z")) + "\n");
    const s = setup([{ name: "pbx", path: drop, mapping: { targets: { calls: { fields: CALL_FIELDS } } } }]);
    await run(s);
    // The webhook's summary is of a call that has landed (a summary of a call not landed yet is held back: hostile.test.ts).
    await webhooks(s.paths, [callEvent("EV1", "ACW1"), summaryEvent("EV2", "ACW1", "the webhook's summary")]);
    const dropDay = ino(s.paths, "calls", "2025-03-06");

    const folder = tmpDir("folder-");
    writeNdjson(folder, "calls/2025-03.ndjson", [call("AC1", "2025-03-04T08:00:00Z"), call("AC2", "2025-03-05T08:00:00Z")]);
    writeNdjson(folder, "call-summaries/2025-03.ndjson", [summary("ACW1", "the folder's summary")]);
    const r = await extractFiles(s.paths, folder);
    expect(r.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 2, landed: 2, updated: 0, unchanged: 0, quarantined: 0 });
    expect(r.entities.find((e) => e.entity === "call_summaries")).toMatchObject({ read: 1, landed: 0, updated: 0, unchanged: 1 });
    expect(r).toMatchObject({ changed: true, changedEntities: ["calls"] });

    expect((await calls(s.paths)).map((c) => c.id)).toEqual(["AC1", "AC2", "ACF1", "ACW1"]);
    expect(await lake(s.paths, "SELECT callId, summary FROM read_parquet('$RAW/call_summaries/*/*.parquet')")).toEqual([{ callId: "ACW1", summary: ["the webhook's summary"] }]);
    // The drop's partition held nothing the folder touched: not rewritten.
    expect(ino(s.paths, "calls", "2025-03-06")).toBe(dropDay);

    // Summaries have no version: an edit in the folder is no newer version either, and the webhook's stays.
    writeNdjson(folder, "call-summaries/2025-03.ndjson", [summary("ACW1", "the folder's summary, edited")]);
    await extractFiles(s.paths, folder);
    expect(await lake(s.paths, "SELECT summary FROM read_parquet('$RAW/call_summaries/*/*.parquet')")).toEqual([{ summary: ["the webhook's summary"] }]);
    expect((await calls(s.paths)).map((c) => c.id)).toEqual(["AC1", "AC2", "ACF1", "ACW1"]);
  });

  it("a record updated in the folder (newer updatedAt) replaces the old version, rewriting only its partition; an older one never replaces a newer", async () => {
    const paths = lakePaths(parseConfig({ paths: { data: tmpDir("data-") } }));
    const folder = tmpDir("folder-");
    const v1 = [call("AC1", "2025-03-04T08:00:00Z"), call("AC2", "2025-03-05T08:00:00Z")];
    writeNdjson(folder, "calls/2025-03.ndjson", v1);
    await extractFiles(paths, folder);
    const untouched = ino(paths, "calls", "2025-03-05");
    const touched = ino(paths, "calls", "2025-03-04");

    writeNdjson(folder, "calls/2025-03.ndjson", [call("AC1", "2025-03-04T08:00:00Z", { duration: 999, updatedAt: "2025-03-10T00:00:00Z" }), v1[1]!]);
    const r = await extractFiles(paths, folder);
    expect(r.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 2, landed: 0, updated: 1, unchanged: 1, partitions: 1 });
    expect(r.changedEntities).toEqual(["calls"]);
    expect(await calls(paths)).toEqual([
      { id: "AC1", duration: 999, date: "2025-03-04" },
      { id: "AC2", duration: 300, date: "2025-03-05" },
    ]);
    expect(ino(paths, "calls", "2025-03-05")).toBe(untouched);
    expect(ino(paths, "calls", "2025-03-04")).not.toBe(touched);

    // A later version arrives by webhook; the folder's older AC2 does not replace it.
    await webhooks(paths, [callEvent("EV1", "AC2", { createdAt: "2025-03-05T08:00:00Z", duration: 777, updatedAt: "2025-03-20T00:00:00Z" })]);
    const again = await extractFiles(paths, folder);
    expect(again.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 2, landed: 0, updated: 0, unchanged: 2 });
    expect(again.changed).toBe(false);
    expect((await calls(paths)).find((c) => c.id === "AC2")).toMatchObject({ duration: 777 });
  });

  it("a rerun over the same folder changes nothing: same bytes, no file rewritten, whether or not the files are read again", async () => {
    const paths = lakePaths(parseConfig({ paths: { data: tmpDir("data-") } }));
    const folder = tmpDir("folder-");
    writeNdjson(folder, "calls/2025-01.ndjson", [
      call("AC1", "2025-01-02T15:00:00Z", { duration: 300, updatedAt: "2025-01-02T15:05:00Z" }),
      call("AC2", "2025-01-02T16:00:00Z", { participants: ["12345"] }),
      call("AC3", "2025-01-03T09:00:00Z"),
      "{not json",
    ]);
    writeNdjson(folder, "calls/2025-02.ndjson", [call("AC1", "2025-01-02T15:00:00Z", { duration: 360, updatedAt: "2025-01-09T10:00:00Z" })]);
    writeNdjson(folder, "call-summaries/x.ndjson", [summary("AC1", "login help"), summary("AC99", "orphan")]);
    // An orphan is quarantined at once when the wait for its parent is 0 (held back otherwise: hostile.test.ts).
    setReaderLimits({ orphanWaitMs: 0 });
    onTestFinished(() => setReaderLimits({ orphanWaitMs: 48 * 3_600_000 }));
    writeNdjson(folder, "users.ndjson", [{ id: "US1", email: "ann@example.com", firstName: "Ann", lastName: "Lee", groupId: "sales", role: "member" }]);
    const first = await extractFiles(paths, folder);
    expect(first.changed).toBe(true);
    const lakeBefore = files(paths.raw);
    const quarantineBefore = readFileSync(join(paths.quarantine, "calls.ndjson"), "utf8");

    const same = (r: Awaited<ReturnType<typeof extractFiles>>) => {
      expect(r.changed).toBe(false);
      expect(r.changedEntities).toEqual([]);
      for (const e of r.entities) {
        const was = first.entities.find((x) => x.entity === e.entity)!;
        expect(e, e.entity).toMatchObject({ read: was.read, landed: 0, updated: 0, unchanged: was.read - was.quarantined, quarantined: was.quarantined, partitions: 0 });
      }
      // Quarantine still names file, line, field and reason.
      expect(r.quarantined.map((q) => [q.entity, q.file, q.line, q.field])).toEqual([
        ["calls", "calls/2025-01.ndjson", 2, "participants.0"],
        ["calls", "calls/2025-01.ndjson", 4, null],
        ["call_summaries", "call-summaries/x.ndjson", 2, "callId"],
      ]);
      expect(files(paths.raw)).toEqual(lakeBefore);
      expect(readFileSync(join(paths.quarantine, "calls.ndjson"), "utf8")).toBe(quarantineBefore);
    };
    // Files and lake as the last run left them: not even read.
    const memo = await extractFiles(paths, folder);
    same(memo);
    expect(memo.notes.join("\n")).toMatch(/not read again.*calls.*call_summaries/);
    // Touched files are read and merged again: still nothing changes.
    const later = new Date(Date.now() + 5_000);
    for (const f of ["calls/2025-01.ndjson", "calls/2025-02.ndjson", "call-summaries/x.ndjson", "users.ndjson"]) utimesSync(join(folder, f), later, later);
    const reread = await extractFiles(paths, folder);
    same(reread);
    expect(reread.notes).toEqual([]);
  });
});
