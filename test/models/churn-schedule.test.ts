/**
 * Bounded churn training: the training sample is drawn in SQL (seeded hash, every churner, negatives
 * weighted 1/rate) and is deterministic; and the retrain schedule (models.retrain.churn): a night
 * that is not due only scores the newest snapshot with the serving version — no new version folder,
 * no registry entry — while a serving version that cannot be loaded retrains.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { trainChurn, type ChurnResult } from "../../models/churn/index.ts";
import { countAt, loadSample, loadSnapshotFrame, loadSnapshots, negativeRate, rowsAt, snapshotIndex, type SnapshotFrame } from "../../models/churn/mart.ts";
import { loadChurnVersion, score } from "../../models/churn/predict.ts";
import { daysToIso, isoToDays } from "../../models/shared/dates.ts";
import { readRegistry, servingEntry } from "../../models/shared/registry.ts";
import { planRetrain } from "../../models/shared/retrain.ts";
import { makeChurnMarts, tempConfig } from "./synthetic.ts";

const key = (f: SnapshotFrame, i: number) => `${f.asOf[i]}|${f.numeric.get("tenure_days")![i]}|${f.numeric.get("calls_90d")![i]}|${f.categorical.get("segment")?.[i]}`;

describe("churn training sample drawn in SQL", () => {
  const config = tempConfig();
  const paths = lakePaths(config);
  beforeAll(() => makeChurnMarts(config), 120_000);

  it("keeps every churner, samples negatives at the rate with weight 1/rate, the same rows for the same seed", async () => {
    const db = await openDb();
    try {
      const index = await snapshotIndex(db, paths, "contact_features");
      const dates = index.labelled.slice(0, 12);
      const labelled = countAt(index, dates, "labelled");
      const positives = countAt(index, dates, "positives");
      const negatives = labelled - positives;
      const rate = negativeRate(index, dates, 3000);
      expect(rate).toBeCloseTo(3000 / negatives, 12);

      const a = await loadSample(db, paths, index, dates, rate, 7);
      const b = await loadSample(db, paths, index, dates, rate, 7);
      const whole = await loadSnapshots(db, paths, index, dates, { labelledOnly: true, ids: true });
      expect(whole.n).toBe(labelled);
      // Deterministic: the same rows, in the same order, with the same values.
      expect(Array.from(b.asOf)).toEqual(Array.from(a.asOf));
      expect(Array.from(b.weight!)).toEqual(Array.from(a.weight!));
      expect(Array.from(b.numeric.get("tenure_days")!)).toEqual(Array.from(a.numeric.get("tenure_days")!));

      // Only labelled rows of the asked snapshots; every churner (weight 1); negatives weighted exactly 1/rate.
      const wanted = new Set(dates);
      let pos = 0;
      let neg = 0;
      let weightSum = 0;
      for (let i = 0; i < a.n; i++) {
        expect(wanted.has(a.asOf[i]!)).toBe(true);
        expect(Number.isNaN(a.label[i]!)).toBe(false);
        if (a.label[i] === 1) { pos++; expect(a.weight![i]).toBe(1); } else { neg++; expect(a.weight![i]).toBe(1 / rate); }
        weightSum += a.weight![i]!;
      }
      expect(pos).toBe(positives);
      // Binomial(negatives, rate): within 4 standard deviations; the weights restore the window's size.
      const sd = Math.sqrt(negatives * rate * (1 - rate));
      expect(Math.abs(neg - negatives * rate)).toBeLessThan(4 * sd);
      expect(Math.abs(weightSum - labelled)).toBeLessThan(4 * sd / rate);

      // The sampled rows are rows of the mart, and the sample is unbiased: a feature's mean among
      // sampled negatives is close to its mean among all negatives (read whole).
      const inMart = new Set(Array.from({ length: whole.n }, (_, i) => key(whole, i)));
      for (let i = 0; i < a.n; i++) expect(inMart.has(key(a, i))).toBe(true);
      const meanNeg = (f: SnapshotFrame) => {
        const t = f.numeric.get("tenure_days")!;
        let s = 0, s2 = 0, k = 0;
        for (let i = 0; i < f.n; i++) if (f.label[i] === 0) { s += t[i]!; s2 += t[i]! ** 2; k++; }
        return { mean: s / k, sd: Math.sqrt(s2 / k - (s / k) ** 2), k };
      };
      const all = meanNeg(whole);
      const got = meanNeg(a);
      expect(Math.abs(got.mean - all.mean)).toBeLessThan(4 * all.sd / Math.sqrt(got.k));

      // Nested: a lower rate keeps a subset of the higher rate's negatives; another seed draws other ones.
      const low = await loadSample(db, paths, index, dates, rate / 2, 7);
      const aKeys = new Set(Array.from({ length: a.n }, (_, i) => key(a, i)));
      for (let i = 0; i < low.n; i++) expect(aKeys.has(key(low, i))).toBe(true);
      expect(low.n).toBeLessThan(a.n);
      const other = await loadSample(db, paths, index, dates, rate, 8);
      let shared = 0;
      for (let i = 0; i < other.n; i++) if (other.label[i] === 0 && aKeys.has(key(other, i))) shared++;
      expect(shared).toBeLessThan(0.5 * neg);
    } finally {
      db.close();
    }
  });
});

describe("churn retrain schedule (models.retrain.churn.everyDays)", () => {
  const config = tempConfig({ churn: { epochs: 4 }, retrain: { churn: { everyDays: 14 } } });
  const paths = lakePaths(config);
  const folders = () => readdirSync(join(paths.models, "churn"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  let first: ChurnResult;
  let second: ChurnResult;

  beforeAll(async () => {
    await makeChurnMarts(config);
    first = await trainChurn(config);
    rmSync(join(paths.marts, "churn_risk"), { recursive: true, force: true });
    second = await trainChurn(config);
  }, 300_000);

  it("retrains the first night, then only scores with the serving version until the retrain is due", async () => {
    expect(first).toMatchObject({ trained: true, promoted: true, reason: "first model", nextRetrain: null });
    expect(second).toMatchObject({ trained: false, promoted: false, version: first.version, serving: first.version });
    // The newest snapshot is 2026-07-26; the last retrain's data ended there: due 14 days later.
    expect(second.nextRetrain).toBe("2026-08-09");
    expect(second.reason).toMatch(/next retrain due on data to 2026-08-09/);
    expect(second.metrics).toEqual(first.metrics);
    // No new version folder, no new registry entry.
    expect(folders()).toEqual([first.version]);
    expect(readRegistry(paths, "churn").map((e) => [e.version, e.status])).toEqual([[first.version, "serving"]]);
  });

  it("writes churn_risk for the newest snapshot with the serving version's probabilities", async () => {
    const db = await openDb();
    try {
      const risk = await rows<{ contact_id: string; as_of: string; churn_probability: number; model_version: string }>(db, `SELECT contact_id, as_of::VARCHAR AS as_of, churn_probability, model_version FROM ${martScan(paths, "churn_risk")}`);
      expect(risk.length).toBe(1500);
      expect(second.rowsOut).toBe(1500);
      expect(new Set(risk.map((r) => r.as_of))).toEqual(new Set(["2026-07-26"]));
      expect(new Set(risk.map((r) => r.model_version))).toEqual(new Set([first.version]));
      // Independently: the saved version, reloaded, scores the newest snapshot read whole.
      const frame = await loadSnapshotFrame(db, paths);
      const model = await loadChurnVersion(paths, first.version);
      const idx = rowsAt(frame, [isoToDays("2026-07-26")], false);
      const p = score(model, frame, idx).probability;
      model.dispose();
      const byId = new Map(risk.map((r) => [r.contact_id, r.churn_probability]));
      idx.forEach((i, k) => expect(byId.get(frame.ids[i]!)!).toBeCloseTo(p[k]!, 12));
    } finally {
      db.close();
    }
  });

  it("is due by the data's last day, a changed config or features, or every run with everyDays 0", () => {
    const serving = servingEntry(paths, "churn")!;
    const hashes = { configHash: serving.configHash, featureHash: serving.featureHash };
    expect(planRetrain(config, paths, "churn", "2026-08-08", hashes).retrain).toBe(false);
    expect(planRetrain(config, paths, "churn", "2026-08-09", hashes)).toMatchObject({ retrain: true, reason: expect.stringMatching(/retrain due/) });
    expect(planRetrain(config, paths, "churn", "2026-07-26", { ...hashes, configHash: "other" })).toMatchObject({ retrain: true, reason: expect.stringMatching(/config changed/) });
    expect(planRetrain(config, paths, "churn", "2026-07-26", { ...hashes, featureHash: "other" })).toMatchObject({ retrain: true, reason: expect.stringMatching(/features changed/) });
    const nightly = { ...config, models: { ...config.models, retrain: { churn: { everyDays: 0 }, opportunity: { everyDays: 0 } } } } as typeof config;
    expect(planRetrain(nightly, paths, "churn", "2026-07-26", hashes).retrain).toBe(true);
    expect(daysToIso(isoToDays("2026-07-26") + 14)).toBe("2026-08-09");
  });

  it("retrains when the serving version cannot be loaded", async () => {
    rmSync(join(paths.models, "churn", first.version, "metadata.json"));
    const third = await trainChurn(config);
    expect(third.trained).toBe(true);
    expect(third.promoted).toBe(true);
    expect(third.reason).toMatch(/cannot be loaded/);
    expect(existsSync(join(paths.models, "churn", third.version, "metadata.json"))).toBe(true);
    expect(servingEntry(paths, "churn")!.version).toBe(third.version);
  }, 300_000);
});
