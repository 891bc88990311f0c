import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { decide, readRegistry, recordVersion, servingEntry, type RegistryEntry } from "../../models/shared/registry.ts";
import { tempConfig } from "./synthetic.ts";

const entry = (version: string, value: number, over: Partial<RegistryEntry> = {}) => ({
  version, createdAt: "2026-11-15T00:00:00Z", trainingWindow: { to: "2026-11-15" }, configHash: "c1", featureHash: "f1",
  score: { metric: "MASE", value, higherIsBetter: false }, ...over,
});

describe("model registry", () => {
  it("promotes the first model, a better one, and refuses a worse or equal one", () => {
    const paths = lakePaths(tempConfig());
    expect(servingEntry(paths, "m")).toBeNull();
    const first = recordVersion(paths, "m", entry("v1", 0.9), decide(entry("v1", 0.9), null, null));
    expect(first).toMatchObject({ status: "serving", reason: "first model", incumbent: null });

    // Worse on the same backtest (the incumbent measured 0.85 there): refused, v1 keeps serving.
    const worse = decide(entry("v2", 0.88), servingEntry(paths, "m"), 0.85);
    expect(worse).toMatchObject({ promote: false, incumbent: { version: "v1", score: 0.85, basis: "same backtest" } });
    recordVersion(paths, "m", entry("v2", 0.88), worse);
    expect(servingEntry(paths, "m")!.version).toBe("v1");

    // Equal to the recorded score: not better, refused.
    expect(decide(entry("v3", 0.9), servingEntry(paths, "m"), null)).toMatchObject({ promote: false, incumbent: { basis: "recorded", score: 0.9 } });

    // Better: promoted; the previous one retires.
    const better = decide(entry("v4", 0.8), servingEntry(paths, "m"), 0.85);
    expect(better.promote).toBe(true);
    expect(better.reason).toMatch(/^beats the serving model: MASE 0.8000 vs serving v1's 0.8500 \(same backtest\)/);
    recordVersion(paths, "m", entry("v4", 0.8), better);
    expect(readRegistry(paths, "m").map((e) => [e.version, e.status])).toEqual([["v1", "retired"], ["v2", "refused"], ["v4", "serving"]]);
    expect(JSON.parse(readFileSync(join(paths.models, "m", "latest.json"), "utf8")).version).toBe("v4");
    expect(existsSync(join(paths.models, "m", "registry.json"))).toBe(true);
  });

  it("compares higher-is-better scores the other way, and promotes when the question changed", () => {
    const paths = lakePaths(tempConfig());
    const auc = (v: string, value: number, over: Partial<RegistryEntry> = {}) => entry(v, value, { score: { metric: "ROC AUC", value, higherIsBetter: true }, ...over });
    recordVersion(paths, "c", auc("v1", 0.8), decide(auc("v1", 0.8), null, null));
    const serving = servingEntry(paths, "c");
    expect(decide(auc("v2", 0.79), serving, null).promote).toBe(false);
    expect(decide(auc("v2", 0.81), serving, null).promote).toBe(true);
    expect(decide(auc("v2", 0.5, { configHash: "c2" }), serving, null)).toMatchObject({ promote: true, reason: "config changed since serving v1" });
    expect(decide(auc("v2", 0.5, { featureHash: "f2" }), serving, null).reason).toMatch(/features or series changed/);
  });
});
