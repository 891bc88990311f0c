import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeDataset } from "./dataset.ts";
import { startFake, type Fake } from "./fake.ts";
import { API_KEY, dataDir, extract, lakeSnapshot } from "./helpers.ts";

let fake: Fake | null = null;
afterEach(async () => { await fake?.close(); fake = null; });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("OpenPhone API extract against a local fake with faults", () => {
  it("lands every record exactly once through 429s, 500s, timeouts, dropped connections and a duplicate across pages, never over 10 req/s", async () => {
    const ds = makeDataset();
    fake = await startFake(ds, API_KEY, { tooMany: [3, 17], serverError: [5, 22], slow: [9], slowMs: 1200, drop: [12, 30], duplicateAcrossPages: true });
    const paths = dataDir();
    const r = await extract(paths, fake.url);
    expect(r.complete).toBe(true);
    const lake = await lakeSnapshot(paths);
    const ids = (rows: unknown[], k = "id") => rows.map((x) => (x as Record<string, string>)[k]).sort();
    expect(ids(lake.calls!)).toEqual(ds.calls.map((c) => c.id).sort());
    expect(ids(lake.messages!)).toEqual(ds.messages.map((c) => c.id).sort());
    expect(ids(lake.conversations!)).toEqual(ds.conversations.map((c) => c.id).sort());
    expect(ids(lake.call_summaries!, "callId")).toEqual([...ds.summaries.keys()].sort());
    expect(ids(lake.call_transcripts!, "callId")).toEqual([...ds.transcripts.keys()].sort());
    expect(ids(lake.call_recordings!)).toEqual([...ds.recordings.values()].flat().map((x) => x.id).sort());
    expect(ids(lake.users!)).toEqual(["US1", "US2", "US3"]);
    expect(ids(lake.phone_numbers!)).toEqual(["PN1", "PN2"]);
    expect(ids(lake.contact_custom_fields!, "key")).toEqual(["churned", "segment"]);
    // A transcript lives in its call's day partition.
    const callDay = new Map(lake.calls!.map((c) => [(c as { id: string }).id, (c as { date: string }).date]));
    for (const t of lake.call_transcripts! as { callId: string; date: string }[]) expect(t.date).toBe(callDay.get(t.callId));
    const calls = r.entities.find((e) => e.entity === "calls")!;
    expect(calls).toMatchObject({ landed: ds.calls.length, quarantined: 0 });
    expect(calls.read).toBe(ds.calls.length + 1); // the duplicate was read, and landed once
    expect(fake.maxPerWindow(1000)).toBeLessThanOrEqual(10);
    expect(fake.arrivals.length).toBeGreaterThan(60);
    process.stdout.write(`rate: ${fake.arrivals.length} requests, at most ${fake.maxPerWindow(1000)} in any 1 s window at the server\n`);
    // The key goes in the Authorization header only: never into a file the run wrote.
    for (const f of filesUnder(paths.data)) if (statSync(f).size < 5e6) expect(readFileSync(f, "latin1").includes(API_KEY), f).toBe(false);
  });

  it("a transcript and a summary that arrive later replace the earlier state on the next run", async () => {
    const ds = makeDataset([3]);
    const late = ds.calls[0]!.id;
    fake = await startFake(ds, API_KEY, { lateTranscripts: [late], lateSummaries: [late] });
    const paths = dataDir();
    // The fixture's calls are old; a wide late window keeps them waiting for their transcript.
    await extract(paths, fake.url, { lateWindowDays: 100_000 });
    let lake = await lakeSnapshot(paths);
    expect(lake.call_transcripts!.some((t) => (t as { callId: string }).callId === late)).toBe(false);
    expect(lake.call_summaries!.find((t) => (t as { callId: string }).callId === late)).toMatchObject({ status: "in-progress" });
    fake.state.lateReady = true;
    const second = await extract(paths, fake.url, { lateWindowDays: 100_000 });
    lake = await lakeSnapshot(paths);
    expect(lake.call_transcripts!.filter((t) => (t as { callId: string }).callId === late)).toHaveLength(1);
    expect(lake.call_summaries!.filter((t) => (t as { callId: string }).callId === late)).toEqual([expect.objectContaining({ status: "completed" })]);
    expect(second.entities.find((e) => e.entity === "call_transcripts")).toMatchObject({ landed: 1 });
    expect(second.entities.find((e) => e.entity === "call_summaries")).toMatchObject({ updated: 1 });
    expect(lake.calls).toHaveLength(3);
  });

  it("a request budget stops the walk at a page boundary; the next run finishes it and the lake is complete", async () => {
    const ds = makeDataset([3, 2]);
    fake = await startFake(ds, API_KEY);
    const paths = dataDir();
    const first = await extract(paths, fake.url, { maxRequests: 9 });
    expect(first.complete).toBe(false);
    expect(first.notes.join("\n")).toMatch(/budget of 9/);
    expect(first.requests).toBe(9);
    const second = await extract(paths, fake.url);
    expect(second.complete).toBe(true);
    const lake = await lakeSnapshot(paths);
    expect(lake.calls!.map((c) => (c as { id: string }).id).sort()).toEqual(ds.calls.map((c) => c.id).sort());
    expect(lake.messages).toHaveLength(ds.messages.length);
  });

  it("a failed request surfaces the spec's error body; the key is refused for non-loopback hosts in tests", async () => {
    const ds = makeDataset([1]);
    fake = await startFake(ds, "another-key");
    const paths = dataDir();
    await expect(extract(paths, fake.url)).rejects.toThrow(/GET \/v1\/phone-numbers failed: 401 Unauthorized: Invalid API key \[code 0400401, trace trace-401\]/);
    await expect(extract(paths, "https://api.openphone.com")).rejects.toThrow(/not a loopback address/);
  });
});
