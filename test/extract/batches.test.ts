/**
 * The folder extract lands each entity's files in batches of bounded size (ingest's batchBytes), so
 * its staging and merge memory follow the batch, not the folder. Landing file by file must give
 * the lake, the counts and the quarantine that one batch of the whole folder gives: new records,
 * a record updated in a later file, the same record again, children whose parent landed in an
 * earlier batch, bad lines. (One difference, by design: a record repeated identically in a later
 * batch keeps the lineage of the file it first landed from.)
 */
import { readdirSync, readFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { extractFiles, fileBatches } from "../../pipelines/extract/index.ts";
import { DEFAULT_READER_LIMITS, setReaderLimits } from "../../pipelines/lake/quarantine.ts";
import { call, summary, tmpDir, writeNdjson } from "../helpers/records.ts";
import { lake } from "../files/helpers.ts";

const transcript = (callId: string, createdAt: string) =>
  ({ callId, createdAt, dialogue: [{ content: "hi", start: 0, end: 1.5, identifier: "+14155550100", userId: null }], duration: 60, status: "completed" });

function folder(): string {
  const dir = tmpDir("batches-");
  const upd = (id: string, t: string, duration: number, updatedAt: string) => call(id, t, { duration, updatedAt });
  writeNdjson(dir, "calls/2025-01.ndjson", [call("AC1", "2025-01-03T10:00:00Z"), call("AC2", "2025-01-20T10:00:00Z"), call("AC5", "2025-01-21T10:00:00Z")]);
  // AC1 again with a newer version (an update), AC2 exactly as before (unchanged), a bad line.
  writeNdjson(dir, "calls/2025-02.ndjson", [call("AC3", "2025-02-02T10:00:00Z"), upd("AC1", "2025-01-03T10:00:00Z", 999, "2025-02-01T00:00:00Z"), call("AC2", "2025-01-20T10:00:00Z"), "{not json"]);
  writeNdjson(dir, "calls/2025-03.ndjson", [call("AC4", "2025-03-09T10:00:00Z"), upd("AC3", "2025-02-02T10:00:00Z", 5, "2025-03-01T00:00:00Z")]);
  // Children of calls of every batch, split over files of their own.
  writeNdjson(dir, "call-summaries/a.ndjson", [summary("AC1", "one"), summary("AC3", "three")]);
  writeNdjson(dir, "call-summaries/b.ndjson", [summary("AC4", "four"), summary("AC2", "two"), { callId: "AC9" }]);
  writeNdjson(dir, "call-transcripts/a.ndjson", [transcript("AC2", "2025-01-20T10:10:00Z")]);
  writeNdjson(dir, "call-transcripts/b.ndjson", [transcript("AC4", "2025-03-09T10:10:00Z"), transcript("AC3", "2025-02-02T10:10:00Z")]);
  return dir;
}

const ENTITIES = ["calls", "call_summaries", "call_transcripts"];

/** Every row of every entity (lineage included), in a stable order. */
async function content(paths: Paths) {
  const out: Record<string, unknown[]> = {};
  for (const e of ENTITIES) {
    out[e] = await lake(paths, `SELECT * EXCLUDE (_extra), date::VARCHAR AS date FROM read_parquet('$RAW/${e}/*/*.parquet', hive_partitioning = true) ORDER BY ALL`);
  }
  return out;
}

const counts = (r: Awaited<ReturnType<typeof extractFiles>>) =>
  Object.fromEntries(r.entities.filter((e) => e.files).map((e) => [e.entity, { read: e.read, landed: e.landed, updated: e.updated, unchanged: e.unchanged, quarantined: e.quarantined }]));
const quarantine = (paths: Paths) =>
  Object.fromEntries(readdirSync(paths.quarantine).filter((f) => f.endsWith(".ndjson")).sort().map((f) => [f, readFileSync(join(paths.quarantine, f), "utf8")]));

describe("the folder extract in batches", () => {
  afterEach(() => setReaderLimits({ batchBytes: DEFAULT_READER_LIMITS.batchBytes }));

  it("groups whole files in order up to the batch size; a bigger file is a batch of its own", () => {
    const dir = folder();
    const files = readdirSync(join(dir, "calls")).sort().map((f) => join(dir, "calls", f));
    expect(fileBatches(files, 1)).toEqual(files.map((f) => [f]));
    expect(fileBatches(files, 1 << 30)).toEqual([files]);
    expect(fileBatches([], 1)).toEqual([]);
  });

  it("file by file gives the lake, counts and quarantine of one batch", async () => {
    const src = folder();
    const whole = lakePaths(parseConfig({ paths: { data: tmpDir("whole-") } }));
    const rOne = await extractFiles(whole, src);

    setReaderLimits({ batchBytes: 1 });
    const each = lakePaths(parseConfig({ paths: { data: tmpDir("each-") } }));
    const rEach = await extractFiles(each, src);

    // What one batch does, checked on its own: AC1 lands then is updated, AC2 twice is one row, the bad line and the incomplete summary are quarantined.
    expect(counts(rOne)).toEqual({
      calls: { read: 9, landed: 5, updated: 2, unchanged: 1, quarantined: 1 },
      call_summaries: { read: 5, landed: 4, updated: 0, unchanged: 0, quarantined: 1 },
      call_transcripts: { read: 3, landed: 3, updated: 0, unchanged: 0, quarantined: 0 },
    });
    const one = await content(whole);
    expect((one.calls as { id: string; duration: number }[]).map((c) => [c.id, c.duration])).toEqual([["AC1", 999], ["AC2", 300], ["AC3", 5], ["AC4", 300], ["AC5", 300]]);

    expect(counts(rEach)).toEqual(counts(rOne));
    // The same rows; only an identical record in two files keeps a different lineage: in one batch
    // the later line wins the tie, across batches the lake's row stays (a tie never replaces it).
    const eachContent = await content(each);
    const lineage = (c: Record<string, unknown[]>) => (c.calls as { id: string; _source_file: string; _source_line: number }[]).map((r) => [r.id, r._source_file, r._source_line]);
    expect(lineage(one).filter(([id]) => id !== "AC2")).toEqual(lineage(eachContent).filter(([id]) => id !== "AC2"));
    expect(lineage(one).find(([id]) => id === "AC2")).toEqual(["AC2", "calls/2025-02.ndjson", 3]);
    expect(lineage(eachContent).find(([id]) => id === "AC2")).toEqual(["AC2", "calls/2025-01.ndjson", 2]);
    const noLineage = (c: Record<string, unknown[]>) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (v as Record<string, unknown>[]).map(({ _source_file, _source_line, ...rest }) => (k === "calls" ? rest : { _source_file, _source_line, ...rest }))]));
    expect(noLineage(eachContent)).toEqual(noLineage(one));
    expect(quarantine(each)).toEqual(quarantine(whole));

    // Read again in batches (the files touched, so not skipped): nothing changes.
    for (const f of readdirSync(join(src, "calls"))) utimesSync(join(src, "calls", f), new Date(), new Date(Date.now() + 5000));
    const again = await extractFiles(each, src);
    expect(again.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 9, landed: 0, updated: 0, filesRead: 3 });
    expect(await content(each)).toEqual(eachContent);
  });
});
