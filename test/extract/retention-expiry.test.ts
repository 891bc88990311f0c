/**
 * Extract and retention together (issue 13): once retention has deleted from a data folder, the
 * folder extract leaves records past their purpose's retention period out (counted as "expired",
 * not landed, not quarantined), and retention's deletions do not make the next extract merge the
 * folder again: a second extract with no new data reads no source file and lands nothing, and the
 * records retention deleted never come back, not even when new data makes the folder be read again.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { retention } from "../../pipelines/app/stages.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { Run, readLedger } from "../../pipelines/core/ledger.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { extractConfigured } from "../../pipelines/extract/sources.ts";
import { today } from "../../pipelines/core/clock.ts";
import { periodOf, rawCutoffs } from "../../pipelines/retention/retention.ts";
import { call, summary, tmpDir, writeNdjson, fileStamps } from "../helpers/records.ts";
import { lake } from "../files/helpers.ts";

const DAY = 86_400_000;
/** Noon UTC `n` days before today (retention counts from today's UTC date). */
const daysAgo = (n: number) => new Date(Date.parse(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`) - n * DAY).toISOString();
const transcript = (callId: string, createdAt: string) =>
  ({ callId, createdAt, dialogue: [{ content: "hi", start: 0, end: 1.5, identifier: "+14155550100", userId: null }], duration: 60, status: "completed" });

const files = (dir: string) => fileStamps(dir, { mtime: false });

const ids = async (paths: Paths, entity: string, key: string) =>
  (await lake(paths, `SELECT ${key} AS id FROM read_parquet('$RAW/${entity}/*/*.parquet') ORDER BY 1`)).map((r) => r.id);

describe("extract after retention", () => {
  beforeEach(() => {
    vi.stubEnv("OPENPHONE_API_KEY", undefined);
    vi.stubEnv("COMMSIGHT_TODAY", undefined);
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  });
  afterEach(() => { vi.unstubAllEnvs(); vi.restoreAllMocks(); });

  it("lands nothing retention would delete, reads no source file when nothing is new, and never re-lands what retention deleted", async () => {
    const data = tmpDir("expiry-");
    const config = parseConfig({ paths: { data } });
    const paths = lakePaths(config);
    const ledger = join(data, "runs", "ledger.jsonl");
    // Ages in days; the periods are the configured ones (summaries: analytics, transcripts: training).
    const summaryDays = periodOf(config, "call_summaries")!.days;
    const transcriptDays = periodOf(config, "call_transcripts")!.days;
    expect(transcriptDays).toBeLessThan(summaryDays);
    // ACEDGE is on the first day a daily cutoff keeps (today − the transcripts' period): the default
    // monthly step (privacy.retention.step) has deleted its month already, unless that day is a 1st.
    const ages: Record<string, number> = { ACOLD: summaryDays + 30, ACMID: transcriptDays + 10, ACEDGE: transcriptDays, ACNEW: 10 };
    const cutoffs = rawCutoffs(config, today());
    const edgeKept = daysAgo(transcriptDays).slice(0, 10) >= cutoffs.call_transcripts!;
    expect(edgeKept).toBe(daysAgo(transcriptDays).slice(8, 10) === "01");
    const write = (file: string, calls: Record<string, number>) => {
      const at = Object.entries(calls).map(([id, age]) => [id, daysAgo(age)] as const);
      writeNdjson(paths.demoSource, `calls/${file}`, at.map(([id, t]) => call(id, t)));
      writeNdjson(paths.demoSource, `call-summaries/${file}`, at.map(([id]) => summary(id, `summary of ${id}`)));
      writeNdjson(paths.demoSource, `call-transcripts/${file}`, at.map(([id, t]) => transcript(id, t)));
    };
    // What retention keeps: the records of days from the entity's cutoff on (extract and retention share it).
    const kept = (entity: string, all: Record<string, number>) => Object.keys(all).filter((id) => daysAgo(all[id]!).slice(0, 10) >= cutoffs[entity]!).sort();
    const entity = <E extends { entity: string }>(r: { entities: E[] }, name: string) => r.entities.find((e) => e.entity === name);
    write("a.ndjson", ages);

    // Night 1 on a folder retention never ran in (as `commsight demo` lands the whole history): everything lands.
    const r1 = await extractConfigured(new Run(ledger, "run"), config);
    for (const name of ["calls", "call_summaries", "call_transcripts"]) expect(entity(r1, name)).toMatchObject({ read: 4, landed: 4, filesRead: 1 });
    expect(entity(r1, "call_transcripts")!.expired).toBeUndefined();

    // Retention, the stage `run` runs after extract: deletes the expired days.
    await retention(new Run(ledger, "run"), config);
    expect(await ids(paths, "calls", "id")).toEqual(["ACEDGE", "ACMID", "ACNEW", "ACOLD"]);
    expect(await ids(paths, "call_summaries", "callId")).toEqual(kept("call_summaries", ages));
    expect(await ids(paths, "call_transcripts", "callId")).toEqual(kept("call_transcripts", ages));
    expect(kept("call_summaries", ages)).toEqual(["ACEDGE", "ACMID", "ACNEW"]);
    expect(kept("call_transcripts", ages)).toEqual(edgeKept ? ["ACEDGE", "ACNEW"] : ["ACNEW"]);
    const afterRetention = files(paths.raw);

    // The next extract, nothing new: no source file read, nothing landed, the lake untouched.
    const r2 = await extractConfigured(new Run(ledger, "run"), config);
    for (const e of r2.entities) expect(e).toMatchObject({ filesRead: 0, landed: 0, updated: 0, partitions: 0 });
    expect(r2.changed).toBe(false);
    expect(files(paths.raw)).toEqual(afterRetention);
    const counts = readLedger(ledger).filter((e) => e.stage === "extract" && e.status === "ok").at(-1)!.counts!;
    for (const name of ["calls", "call_summaries", "call_transcripts"]) expect(counts[name]).toMatchObject({ filesRead: 0, landed: 0, updated: 0 });

    // New data: only the new file is read (a.ndjson is as the last run left it, extract/memo.ts); the
    // expired records, of both files, are counted, not landed, not quarantined.
    const more = { ACNEXT: 1 };
    write("b.ndjson", more);
    const r3 = await extractConfigured(new Run(ledger, "run"), config);
    const all = { ...ages, ...more };
    const expiredOf = (name: string) => Object.keys(all).length - kept(name, all).length;
    expect(entity(r3, "calls")).toMatchObject({ read: 5, landed: 1, unchanged: 4, filesRead: 1 });
    expect(entity(r3, "call_summaries")).toMatchObject({ read: 5, landed: 1, unchanged: kept("call_summaries", all).length - 1, quarantined: 0, expired: expiredOf("call_summaries") });
    expect(entity(r3, "call_transcripts")).toMatchObject({ read: 5, landed: 1, unchanged: kept("call_transcripts", all).length - 1, quarantined: 0, expired: expiredOf("call_transcripts") });
    expect(await ids(paths, "call_summaries", "callId")).toEqual(kept("call_summaries", all));
    expect(await ids(paths, "call_transcripts", "callId")).toEqual(kept("call_transcripts", all));
    const counts3 = readLedger(ledger).filter((e) => e.stage === "extract" && e.status === "ok").at(-1)!.counts!;
    expect(counts3.call_transcripts).toMatchObject({ landed: 1, expired: expiredOf("call_transcripts"), filesRead: 1 });

    // Retention again (same day): nothing left to delete; the extract after it again reads nothing.
    const before = files(paths.raw);
    await retention(new Run(ledger, "run"), config);
    expect(files(paths.raw)).toEqual(before);
    const r4 = await extractConfigured(new Run(ledger, "run"), config);
    for (const e of r4.entities) expect(e).toMatchObject({ filesRead: 0, landed: 0 });
  });
});
