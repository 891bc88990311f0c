/**
 * A conflict with a row an earlier run landed (issue 17, item 5): the same key and the same version
 * (updatedAt) with different content is a conflict, not a silent tie-break. The documented rule: the
 * lake keeps the row it holds, the newcomer goes to the quarantine with its full record and file and
 * line, and it is counted (quarantined, and conflicts) in the summary and the run ledger. The same
 * content again is no conflict; a newer version still replaces.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { commitStreams, streamPaths } from "../../pipelines/lake/commit.ts";
import { webhookStream } from "../../pipelines/sources/webhook/events.ts";
import { lake } from "../files/helpers.ts";
import { call, tmpDir, writeNdjson } from "../helpers/records.ts";
import { goodRecord } from "./hostile/classes.ts";
import { LandingWriter } from "../../pipelines/lake/landing.ts";
import { callEvent } from "../webhook/helpers.ts";

const base = (dir: string) => {
  writeNdjson(dir, "phone-numbers.ndjson", [{ id: "PN1", groupId: "g", createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z", name: "Main", number: "+14155550000", formattedNumber: null, forward: null, portRequestId: null, portingStatus: null, symbol: null, users: [] }]);
  writeNdjson(dir, "users.ndjson", [{ id: "US1", email: "agent@example.com", firstName: "A", lastName: "B", groupId: "g", role: "member" }]);
};

async function cli(args: string[]): Promise<{ code: number; text: string }> {
  let text = "";
  const w = vi.spyOn(process.stdout, "write").mockImplementation((s) => { text += String(s); return true; });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => { text += String(s); return true; });
  try {
    return { code: await main(["node", "commsight", ...args]), text };
  } finally { w.mockRestore(); e.mockRestore(); }
}

describe("a conflict with a row already in the lake", () => {
  it("is counted and quarantined (both versions kept: the lake's in the lake, the newcomer in the quarantine); same content is none; a newer version replaces", async () => {
    const data = tmpDir("conflict-data-");
    const paths = lakePaths(parseConfig({ paths: { data } }));
    const a = tmpDir("conflict-a-");
    base(a);
    const t = "2025-03-04T08:00:00Z";
    writeNdjson(a, "calls/2025-03.ndjson", [call("AC1", t), call("AC2", t)]);
    const first = await extractFiles(paths, a);
    expect(first.entities.find((e) => e.entity === "calls")).toMatchObject({ landed: 2, quarantined: 0 });
    const v1 = await lake(paths, "SELECT id, duration, updatedAt::VARCHAR AS u FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id");

    // Another folder: AC1 with the lake's updatedAt and another duration (a conflict); AC2 the same again (none); AC3 new.
    const b = tmpDir("conflict-b-");
    writeNdjson(b, "calls/x.ndjson", [call("AC1", t, { duration: 999 }), call("AC2", t), call("AC3", t)]);
    const r = await extractFiles(paths, b);
    expect(r.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 3, landed: 1, updated: 0, unchanged: 1, quarantined: 1, conflicts: 1 });
    expect(r.quarantined.map((q) => [q.file, q.line, q.field])).toEqual([["calls/x.ndjson", 1, "id"]]);
    expect(r.quarantined[0]!.reason).toMatch(/^id: conflict with the lake: same version, different content; the lake keeps its row \[version .+, landed from calls\/2025-03\.ndjson\]$/);
    expect(JSON.parse(r.quarantined[0]!.record)).toMatchObject({ id: "AC1", duration: 999 });
    // the lake kept its AC1, untouched; AC3 landed
    expect(await lake(paths, "SELECT id, duration, updatedAt::VARCHAR AS u FROM read_parquet('$RAW/calls/*/*.parquet') WHERE id <> 'AC3' ORDER BY id")).toEqual(v1);
    expect((await lake(paths, "SELECT id FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).map((x) => x.id)).toEqual(["AC1", "AC2", "AC3"]);

    // Read again: the same conflict, counted the same (deterministic), nothing changes.
    const again = await extractFiles(paths, b);
    expect(again.entities.find((e) => e.entity === "calls")).toMatchObject({ landed: 0, updated: 0, quarantined: 1, conflicts: 1 });

    // A webhook bringing a conflicting version of AC2 (its route and contacts are extras, not content): counted too, the lake keeps its row.
    const lw = new LandingWriter(streamPaths(paths, "webhooks").dir);
    const ev = callEvent("EV1", "AC2", { createdAt: t, duration: 555, updatedAt: call("AC2", t).updatedAt });
    await lw.append([JSON.stringify({ at: new Date().toISOString(), endpoint: "openphone", id: "openphone:EV1", body: ev })]);
    await lw.close();
    const w = await commitStreams(paths, [webhookStream(streamPaths(paths, "webhooks"))]);
    expect(w.entities.find((e) => e.entity === "calls")).toMatchObject({ landed: 0, updated: 0, quarantined: 1, conflicts: 1 });
    expect(w.quarantined.map((q) => q.reason)).toEqual([expect.stringMatching(/^id: conflict with the lake: .*landed from calls\/2025-03\.ndjson\]$/)]);
    expect(await lake(paths, "SELECT duration FROM read_parquet('$RAW/calls/*/*.parquet') WHERE id = 'AC2'")).toEqual([{ duration: 300 }]);

    // A newer version is no conflict: it replaces.
    const c = tmpDir("conflict-c-");
    writeNdjson(c, "calls/y.ndjson", [call("AC1", t, { duration: 42, updatedAt: "2025-03-09T00:00:00Z" })]);
    const newer = await extractFiles(paths, c);
    expect(newer.entities.find((e) => e.entity === "calls")).toMatchObject({ updated: 1, quarantined: 0 });
    expect(newer.entities.find((e) => e.entity === "calls")!.conflicts).toBeUndefined();
    expect(await lake(paths, "SELECT duration FROM read_parquet('$RAW/calls/*/*.parquet') WHERE id = 'AC1'")).toEqual([{ duration: 42 }]);
  }, 120_000);

  it("the CLI says so once: the conflict count and the by-reason line in the summary, conflicts in the ledger's counts", async () => {
    const data = tmpDir("conflict-cli-");
    const a = tmpDir("conflict-cli-a-");
    base(a);
    writeNdjson(a, "messages/m.ndjson", [goodRecord("messages", "ACmsg1"), goodRecord("messages", "ACmsg2")]);
    expect((await cli(["--data", data, "extract", "--input", a])).code).toBe(0);
    const b = tmpDir("conflict-cli-b-");
    writeNdjson(b, "messages/m.ndjson", [goodRecord("messages", "ACmsg1", { text: "edited without a new updatedAt" }), goodRecord("messages", "ACmsg2", { text: "also edited" })]);
    const out = await cli(["--data", data, "extract", "--input", b]);
    expect(out.code, out.text).toBe(0);
    expect(out.text.match(/conflicts \(same key and version, different content; in the quarantine\): messages 2/g), out.text).toHaveLength(1);
    expect(out.text.match(/quarantined 2 by reason: conflict with the lake: same version, different content; the lake keeps its row: 2\n/g), out.text).toHaveLength(1);
    expect(out.text).not.toContain("edited without");
    const ledger = readLedger(join(data, "runs", "ledger.jsonl"));
    const extract = ledger.filter((e) => e.stage === "extract" && e.status === "ok").at(-1)!;
    expect(extract.counts?.messages).toMatchObject({ read: 2, landed: 0, updated: 0, quarantined: 2, conflicts: 2 });
    // both versions kept: the lake's in the lake, the newcomers (full records) in the quarantine
    const q = readFileSync(join(data, "quarantine", "messages.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(q.map((x: { record: string }) => JSON.parse(x.record).text).sort()).toEqual(["also edited", "edited without a new updatedAt"]);
    const paths = lakePaths(parseConfig({ paths: { data } }));
    expect(await lake(paths, "SELECT DISTINCT text FROM read_parquet('$RAW/messages/*/*.parquet')")).toEqual([{ text: "hello there" }]);
    // --strict fails on it
    const strict = await cli(["--data", data, "extract", "--input", b, "--strict"]);
    expect(strict.code).not.toBe(0);
    expect(strict.text.match(/^ {2}quarantined 2 by reason: /gm), strict.text).toHaveLength(1);
  }, 120_000);
});
