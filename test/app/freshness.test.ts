/**
 * Stage freshness on a real data folder: a stage is skipped only when nothing it reads, writes or is
 * configured by changed since it last succeeded; every kind of change makes it run again.
 */
import { cpSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { StageFreshness } from "../../pipelines/app/freshness.ts";
import { stageGraph } from "../../pipelines/app/graph.ts";
import { tmpDir } from "../helpers/records.ts";

const graph = stageGraph();
const node = (s: Parameters<typeof graph.get>[0]) => graph.get(s)!;

function folder(): { data: string; config: Config } {
  const data = join(tmpDir("freshness"), "data");
  const config = parseConfig({ paths: { data } });
  const p = lakePaths(config);
  // enrich reads raw texts and contacts and writes enriched texts
  for (const [dir, file] of [
    [join(p.raw, "messages", "date=2026-11-01"), "part-0.parquet"],
    [join(p.raw, "contacts"), "contacts.parquet"],
    [join(p.enriched, "message_texts", "date=2026-11-01"), "part-0.parquet"],
    [join(p.marts, "contact_features"), "data.parquet"],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), "x");
  }
  return { data, config };
}

const saved = { ...process.env };
afterEach(() => {
  for (const k of ["COMMSIGHT_TODAY", "COMMSIGHT_NO_SKIP"]) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
});

describe("stage freshness", () => {
  it("skips a stage only while nothing it reads or writes changed, and remembers across processes", () => {
    const { data, config } = folder();
    const p = lakePaths(config);
    const f = new StageFreshness(config);
    expect(f.check(node("enrich")).skip).toBe(false); // never succeeded here
    f.record(node("enrich"), "run-1");
    const again = new StageFreshness(config).check(node("enrich"));
    expect(again).toMatchObject({ skip: true, since: { runId: "run-1" } });

    // a changed input partition (a later mtime, as a merge rewriting it leaves)
    const input = join(p.raw, "messages", "date=2026-11-01", "part-0.parquet");
    utimesSync(input, new Date(), new Date(Date.now() + 5_000));
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(false);
    new StageFreshness(config).record(node("enrich"), "run-2");
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(true);

    // a new input partition
    mkdirSync(join(p.raw, "messages", "date=2026-11-02"));
    writeFileSync(join(p.raw, "messages", "date=2026-11-02", "part-0.parquet"), "y");
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(false);
    new StageFreshness(config).record(node("enrich"), "run-3");

    // an output someone deleted
    rmSync(join(p.enriched, "message_texts", "date=2026-11-01"), { recursive: true });
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(false);
    new StageFreshness(config).record(node("enrich"), "run-4");
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(true);

    // what another stage reads is not enrich's business: a mart changing leaves enrich fresh
    writeFileSync(join(p.marts, "contact_features", "data.parquet"), "changed");
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(true);
    expect(data).toBeTruthy();
  });

  it("runs again when a setting changes, or the stage failed since", () => {
    const { data, config } = folder();
    new StageFreshness(config).record(node("enrich"), "run-1");
    const other = parseConfig({ paths: { data }, privacy: { redact: ["phone"] } });
    expect(JSON.stringify(other.privacy)).not.toBe(JSON.stringify(config.privacy));
    expect(new StageFreshness(other).check(node("enrich")).skip).toBe(false);
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(true);
    const f = new StageFreshness(config);
    f.forget("enrich");
    expect(new StageFreshness(config).check(node("enrich")).skip).toBe(false);
  });

  it("never skips extract (its sources live outside the lake) or alerts (failed actions are retried)", () => {
    const { config } = folder();
    const f = new StageFreshness(config);
    for (const s of ["extract", "alerts"] as const) {
      f.record(node(s), "run-1");
      expect(new StageFreshness(config).check(node(s)).skip).toBe(false);
    }
  });

  it("runs retention again on a new day even when no data changed", () => {
    const { config } = folder();
    process.env.COMMSIGHT_TODAY = "2026-12-01";
    new StageFreshness(config).record(node("retention"), "run-1");
    expect(new StageFreshness(config).check(node("retention")).skip).toBe(true);
    process.env.COMMSIGHT_TODAY = "2026-12-02";
    expect(new StageFreshness(config).check(node("retention")).skip).toBe(false);
  });

  it("keeps its fingerprints when the data folder is copied with its times, and COMMSIGHT_NO_SKIP=1 turns skipping off", () => {
    const { data, config } = folder();
    new StageFreshness(config).record(node("transform"), "run-1");
    const moved = join(tmpDir("freshness-moved"), "data");
    cpSync(data, moved, { recursive: true, preserveTimestamps: true });
    const there = parseConfig({ paths: { data: moved } });
    expect(new StageFreshness(there).check(node("transform")).skip).toBe(true);
    process.env.COMMSIGHT_NO_SKIP = "1";
    expect(new StageFreshness(there).check(node("transform")).skip).toBe(false);
  });
});
