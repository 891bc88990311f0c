import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { ConfigError, parseConfig } from "../../pipelines/core/config.ts";
import { decide, pruneVersions, readRegistry, recordVersion, registryConfig, servingEntry, type RegistryEntry } from "../../models/shared/registry.ts";
import { loadModelVersion, newVersion, saveModelVersion } from "../../models/shared/modelStore.ts";
import { initTf, tf } from "../../models/shared/tf.ts";
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

/** The version folders on disk (what `ls data/models/<name>` shows, hidden ones included). */
const folders = (paths: Paths, name: string) => readdirSync(join(paths.models, name), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/** A tiny real tfjs model, its output a function of `seed` (so versions differ). */
function tinyModel(seed: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  return m;
}

/**
 * One retrain as the models do it (models/churn/index.ts, forecast, opportunity): decide against the
 * serving version, save a folder only when promoted, record the decision with the headline metrics.
 */
async function retrain(paths: Paths, keep: number, at: Date, mase: number): Promise<RegistryEntry> {
  const version = newVersion(paths, "m", at);
  const candidate = entry(version, mase, { metrics: { mase, naiveMase: 1 } });
  const decision = decide(candidate, servingEntry(paths, "m"), null);
  if (decision.promote) {
    const model = tinyModel(Math.round(mase * 1000));
    await saveModelVersion(paths, "m", version, { net: model }, { kind: "m" }, { metrics: candidate.metrics });
    model.dispose();
  }
  return recordVersion(paths, "m", candidate, decision, keep);
}

describe("model registry: what stays on disk", () => {
  it("models.registry.keep is read from the config (default 3) and must be a whole number ≥ 0", () => {
    expect(registryConfig(tempConfig()).keep).toBe(3);
    expect(registryConfig(tempConfig({ registry: { keep: 0 } })).keep).toBe(0);
    expect(() => parseConfig({ models: { registry: { keep: -1 } } })).toThrow(ConfigError);
    expect(() => parseConfig({ models: { registry: { kept: 2 } } })).toThrow(/models\.registry\.kept: unknown key; did you mean models\.registry\.keep/);
  });

  it("N+3 promoted retrains leave exactly the serving version and the N newest others; refused ones leave no folder, only their metrics", async () => {
    await initTf();
    const N = 2;
    const config = tempConfig({ registry: { keep: N } });
    const paths = lakePaths(config);
    const keep = registryConfig(config).keep;
    expect(keep).toBe(N);
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 3));
    const promoted: string[] = [];
    // MASE falls each time (each retrain better): N + 3 promotions; after each, a worse retrain is refused.
    for (let k = 0; k < N + 3; k++) {
      const e = await retrain(paths, keep, day(1 + 2 * k), 0.9 - 0.05 * k);
      expect(e.status).toBe("serving");
      promoted.push(e.version);
      const expected = promoted.slice(-(N + 1));
      expect(folders(paths, "m"), `after promotion ${k + 1}`).toEqual(expected);

      const refused = await retrain(paths, keep, day(2 + 2 * k), 0.95);
      expect(refused).toMatchObject({ status: "refused", metrics: { mase: 0.95, naiveMase: 1 } });
      expect(refused.reason).toMatch(/^does not beat the serving model: MASE 0\.9500 vs serving /);
      expect(existsSync(join(paths.models, "m", refused.version))).toBe(false);
      expect(folders(paths, "m"), `after refusal ${k + 1}`).toEqual(expected);
    }
    expect(folders(paths, "m")).toHaveLength(N + 1);
    expect(servingEntry(paths, "m")!.version).toBe(promoted.at(-1));

    // The index still lists all 2(N + 3) retrains, in order; the deleted folders are marked, the kept ones not.
    const reg = readRegistry(paths, "m");
    expect(reg).toHaveLength(2 * (N + 3));
    expect(reg.filter((e) => e.status === "refused")).toHaveLength(N + 3);
    for (const e of reg.filter((e) => e.status === "refused")) expect(e.metrics).toEqual({ mase: 0.95, naiveMase: 1 });
    const deleted = reg.filter((e) => e.folderDeletedAt).map((e) => e.version);
    expect(deleted).toEqual(promoted.slice(0, 2));
    for (const e of reg) if (e.status !== "refused") expect(existsSync(join(paths.models, "m", e.version)), e.version).toBe(!deleted.includes(e.version));
    // What is kept still loads, with its own metrics.
    for (const v of promoted.slice(-(N + 1))) {
      const loaded = await loadModelVersion(paths, "m", v);
      expect(loaded.metrics.metrics).toEqual(reg.find((e) => e.version === v)!.metrics);
      for (const p of Object.values(loaded.parts)) p.dispose();
    }
  });

  it("never deletes the serving version, however old (a rollback), and counts folders the registry does not list", async () => {
    await initTf();
    const paths = lakePaths(tempConfig());
    const v: string[] = [];
    for (let k = 0; k < 5; k++) v.push((await retrain(paths, 10, new Date(Date.UTC(2026, 0, 1 + k)), 0.9 - 0.05 * k)).version);
    expect(folders(paths, "m")).toEqual(v);
    // An operator rolls back to the oldest; a save whose process died before recording it left a newer folder.
    writeFileSync(join(paths.models, "m", "latest.json"), JSON.stringify({ version: v[0] }));
    const orphan = "v20260301T000000";
    mkdirSync(join(paths.models, "m", orphan));
    // A deletion cut short (renamed, not yet removed) is finished.
    mkdirSync(join(paths.models, "m", `.${v[1]}.deleting`));
    expect(pruneVersions(paths, "m", 2)).toEqual([v[1], v[2], v[3]]);
    expect(folders(paths, "m")).toEqual([v[0], v[4], orphan].sort());
    expect(servingEntry(paths, "m")!.version).toBe(v[0]);
    expect(pruneVersions(paths, "m", 0)).toEqual([v[4], orphan]);
    expect(folders(paths, "m")).toEqual([v[0]]);
    expect(readRegistry(paths, "m").filter((e) => e.folderDeletedAt).map((e) => e.version)).toEqual(v.slice(1));
  });

  it("a refused version saved before the decision (an older caller) loses its folder and keeps its metrics in the index", async () => {
    await initTf();
    const paths = lakePaths(tempConfig());
    await retrain(paths, 3, new Date("2026-11-01T00:00:00Z"), 0.5);
    const version = newVersion(paths, "m", new Date("2026-11-02T00:00:00Z"));
    const model = tinyModel(3);
    await saveModelVersion(paths, "m", version, { net: model }, { kind: "m" }, { metrics: { mase: 0.7, coverage80: 0.81 } });
    model.dispose();
    expect(existsSync(join(paths.models, "m", version))).toBe(true);
    const candidate = entry(version, 0.7);
    const e = recordVersion(paths, "m", candidate, decide(candidate, servingEntry(paths, "m"), null), 3);
    expect(e).toMatchObject({ status: "refused", metrics: { mase: 0.7, coverage80: 0.81 } });
    expect(existsSync(join(paths.models, "m", version))).toBe(false);
    expect(readRegistry(paths, "m").at(-1)!.metrics).toEqual({ mase: 0.7, coverage80: 0.81 });
  });
});
