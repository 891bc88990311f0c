/**
 * `extractConfigured`: one extract stage over every configured source (the demo folder, webhook
 * events waiting, file drops, the API when a key is set), each merged by key, counts summed in one
 * ledger stage, and whether anything new arrived for the stages downstream.
 */
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { Run, readLedger } from "../../pipelines/core/ledger.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { extractConfigured } from "../../pipelines/extract/sources.ts";
import { streamPaths } from "../../pipelines/lake/commit.ts";
import { LandingWriter } from "../../pipelines/lake/landing.ts";
import { call, summary, tmpDir, writeNdjson } from "../helpers/records.ts";
import { lake, write } from "../files/helpers.ts";

const CALL_FIELDS = Object.fromEntries(Object.keys(call("AC1", "2025-01-01T00:00:00Z")).map((f) => [f, /At$/.test(f) ? { timestamp: f } : f]));

function setup(over: Record<string, unknown> = {}) {
  const data = tmpDir("configured-");
  const config = parseConfig({ paths: { data }, ...over });
  return { data, config, paths: lakePaths(config), run: new Run(join(data, "runs", "ledger.jsonl"), "extract") };
}

describe("extractConfigured", () => {
  beforeEach(() => {
    // The API is a configured source only with a key; these tests never call it.
    vi.stubEnv("OPENPHONE_API_KEY", undefined);
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    return () => { vi.unstubAllEnvs(); vi.restoreAllMocks(); };
  });

  it("with the demo disabled and no sources: lands nothing and says so", async () => {
    const s = setup({ demo: { enabled: false } });
    const r = await extractConfigured(s.run, s.config);
    expect(r).toMatchObject({ changed: false, changedEntities: [], arrived: {}, entities: [], rowsOut: 0 });
    expect(r.sources.map((x) => [x.source, x.ran, x.notes[0]])).toEqual([
      ["demo", false, "disabled (demo.enabled: false)"],
      ["webhooks", false, "no events waiting in the landing zone"],
      ["files", false, "no file-drop sources are configured (sources: in the config)"],
      ["openphone", false, "OPENPHONE_API_KEY is not set, skipped"],
    ]);
    const said = vi.mocked(process.stdout.write).mock.calls.map((c) => String(c[0])).join("");
    expect(said).toMatch(/demo: disabled[\s\S]*nothing extracted/);
    const stages = readLedger(join(s.data, "runs", "ledger.jsonl")).filter((e) => e.stage === "extract");
    expect(stages.map((e) => [e.status, e.rowsOut])).toEqual([["started", null], ["ok", 0]]);
  });

  it("a missing demo folder is skipped with a note", async () => {
    const s = setup();
    const r = await extractConfigured(s.run, s.config);
    expect(r.changed).toBe(false);
    expect(r.sources[0]).toMatchObject({ source: "demo", ran: false });
    expect(r.sources[0]!.notes[0]).toMatch(/sources\/demo does not exist/);
  });

  it("the demo folder, webhook events and a file drop in one stage: each merged, counts summed, what changed named", async () => {
    const drop = tmpDir("drop-");
    write(join(drop, "calls.ndjson"), JSON.stringify(call("ACF1", "2025-03-06T10:00:00Z")) + "\n");
    const s = setup({ sources: [{ name: "pbx", path: drop, mapping: { targets: { calls: { fields: CALL_FIELDS } } } }] });
    writeNdjson(s.paths.demoSource, "calls/2025-03.ndjson", [call("AC1", "2025-03-04T08:00:00Z"), call("AC2", "2025-03-05T08:00:00Z"), "{broken"]);
    writeNdjson(s.paths.demoSource, "call-summaries/2025-03.ndjson", [summary("AC1", "from the folder")]);
    const w = new LandingWriter(streamPaths(s.paths, "webhooks").dir);
    const ev = { id: "EV1", object: "event", createdAt: "2025-03-07T10:00:00.000Z", type: "call.completed", data: { object: call("ACW1", "2025-03-07T09:50:00Z") } };
    await w.append([JSON.stringify({ at: new Date().toISOString(), endpoint: "openphone", id: "openphone:EV1", body: ev })]);
    await w.close();

    const r = await extractConfigured(s.run, s.config);
    expect(r.sources.map((x) => [x.source, x.ran, x.landed])).toEqual([["demo", true, 3], ["webhooks", true, 1], ["files", true, 1], ["openphone", false, 0]]);
    expect(r.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 5, landed: 4, updated: 0, quarantined: 1 });
    expect(r).toMatchObject({ changed: true, changedEntities: ["calls", "call_summaries"], arrived: { calls: 4, call_summaries: 1 } });
    expect((await lake(s.paths, "SELECT id FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).map((x) => x.id)).toEqual(["AC1", "AC2", "ACF1", "ACW1"]);
    const [, done] = readLedger(join(s.data, "runs", "ledger.jsonl")).filter((e) => e.stage === "extract");
    expect(done!.counts!.calls).toMatchObject({ read: 5, landed: 4, quarantined: 1 });
    expect(done!.outputs.some((o) => o.endsWith(join("quarantine", "calls.ndjson")))).toBe(true);

    // Again: the folder is unchanged, the webhook events and the drop were consumed; nothing arrives.
    const again = await extractConfigured(new Run(join(s.data, "runs", "ledger.jsonl"), "extract"), s.config);
    expect(again).toMatchObject({ changed: false, changedEntities: [], arrived: {} });
    expect(again.sources.map((x) => [x.source, x.ran])).toEqual([["demo", true], ["webhooks", false], ["files", true], ["openphone", false]]);
    expect((await lake(s.paths, "SELECT count(*)::INT AS n FROM read_parquet('$RAW/calls/*/*.parquet')"))[0]!.n).toBe(4);
  });
});
