import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { trainChurn, windows, type ChurnResult } from "../../models/churn/index.ts";
import { NO_FACTOR } from "../../models/churn/explain.ts";
import { loadSnapshotFrame, rowsAt, snapshotDates } from "../../models/churn/mart.ts";
import { loadChurnVersion, score } from "../../models/churn/predict.ts";
import { isoToDays } from "../../models/shared/dates.ts";
import { readRegistry } from "../../models/shared/registry.ts";
import { tfBackend } from "../../models/shared/tf.ts";
import { makeChurnMarts, tempConfig } from "./synthetic.ts";

type RiskRow = { contact_id: string; segment: string; as_of: string; churn_probability: number; risk_band: string; top_factor: string; model_version: string; horizon_days: number; risk_band_min_probability: number };

describe("churn model on synthetic weekly snapshots (churn driven by repeat contacts, missed calls and detractors)", () => {
  // Every run retrains (the weekly default would only score the second run below, which tests a retrain's refusal).
  const config = tempConfig({ churn: { epochs: 8 }, retrain: { churn: { everyDays: 0 } } });
  const paths = lakePaths(config);
  let result: ChurnResult;
  let risk: RiskRow[];
  let schema: Record<string, string>;

  beforeAll(async () => {
    await makeChurnMarts(config);
    result = await trainChurn(config);
    const db = await openDb();
    try {
      risk = await rows<RiskRow>(db, `SELECT * FROM ${martScan(paths, "churn_risk")} ORDER BY churn_probability DESC, contact_id`);
      const cols = await rows<{ column_name: string; column_type: string }>(db, `DESCRIBE SELECT * FROM ${martScan(paths, "churn_risk")}`);
      schema = Object.fromEntries(cols.map((c) => [c.column_name, c.column_type]));
    } finally {
      db.close();
    }
  }, 300_000);

  it("trains on the wasm backend", () => {
    expect(["wasm", "tensorflow"]).toContain(tfBackend());
  });

  it("splits time-honestly: each window starts after the previous one's labels are known", () => {
    const m = result.metrics;
    // 30 Sundays from 2026-01-04; the last two are unlabelled (14-day outcome window).
    expect(m.testSnapshots).toEqual(["2026-06-21", "2026-07-12"]);
    expect(m.calibrationSnapshots).toEqual(["2026-05-17", "2026-06-07"]);
    expect(m.trainSnapshots).toEqual(["2026-01-04", "2026-05-03"]);
    // The served model: the chosen candidate refitted on every snapshot labelled before the test
    // window (validation window included): 23 Sundays 2026-01-04…06-07, 1,500 contacts each.
    expect(m.servedTrainSnapshots).toEqual(["2026-01-04", "2026-06-07"]);
    expect(m.nTrain).toBe(23 * 1500);
    expect(m.nTest).toBe(4 * 1500);
    const w = windows([0, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70], 70, 14);
    expect(w).toEqual({ train: [0], calib: [14, 21, 28, 35], test: [49, 56, 63, 70] });
  });

  it("separates churners on the later test window, with calibrated probabilities", () => {
    const m = result.metrics;
    expect(m.rocAuc!).toBeGreaterThan(0.75);
    expect(m.prAuc!).toBeGreaterThan(3 * m.baseRate);
    expect(m.liftTopDecile!).toBeGreaterThan(3);
    expect(m.calibration).toHaveLength(10);
    expect(m.calibration.reduce((s, b) => s + b.n, 0)).toBe(m.nTest);
    // Calibrated: the mean probability matches the observed rate within a third.
    const meanP = m.calibration.reduce((s, b) => s + (b.meanPredicted ?? 0) * b.n, 0) / m.nTest;
    expect(Math.abs(meanP - m.baseRate) / m.baseRate).toBeLessThan(0.35);
    expect(m.brier).toBeLessThan(m.baseRate * (1 - m.baseRate)); // better than predicting the base rate
  });

  it("writes churn_risk with its contract columns: one row per contact of the newest snapshot", () => {
    expect(schema).toEqual({
      contact_id: "VARCHAR", segment: "VARCHAR", as_of: "DATE", churn_probability: "DOUBLE",
      risk_band: "VARCHAR", top_factor: "VARCHAR", model_version: "VARCHAR", horizon_days: "INTEGER", risk_band_min_probability: "DOUBLE",
    });
    expect(risk).toHaveLength(1500);
    expect(new Set(risk.map((r) => r.as_of.slice(0, 10)))).toEqual(new Set(["2026-07-26"]));
    expect(new Set(risk.map((r) => r.horizon_days))).toEqual(new Set([14]));
  });

  it("bands by calibrated probability (5× and 2× the calibration window's churn rate), not by rank", async () => {
    const doc = JSON.parse(readFileSync(join(paths.models, "churn", result.version, "metrics.json"), "utf8"));
    const { baseRate, high, medium } = doc.bands as { baseRate: number; high: number; medium: number };
    expect(baseRate).toBeGreaterThan(0);
    expect(high).toBeCloseTo(5 * baseRate, 12);
    expect(medium).toBeCloseTo(2 * baseRate, 12);
    for (const r of risk) {
      expect(r.risk_band).toBe(r.churn_probability >= high ? "high" : r.churn_probability >= medium ? "medium" : "low");
      expect(r.risk_band_min_probability).toBe(r.risk_band === "high" ? high : r.risk_band === "medium" ? medium : 0);
    }
    const nHigh = risk.filter((r) => r.risk_band === "high").length;
    expect(nHigh).toBeGreaterThan(0);
    expect(nHigh).not.toBe(Math.ceil(risk.length * 0.1)); // not a quota
    // Expected churners over the horizon = the sum of calibrated probabilities, close to the calibration rate × contacts.
    const expected = risk.reduce((s, r) => s + r.churn_probability, 0);
    expect(expected / risk.length).toBeGreaterThan(baseRate / 3);
    expect(expected / risk.length).toBeLessThan(baseRate * 3);
    for (const r of risk) {
      expect(r.churn_probability).toBeGreaterThanOrEqual(0);
      expect(r.churn_probability).toBeLessThanOrEqual(1);
      expect(r.model_version).toBe(result.version);
    }
  });

  it("names a planted driver, in plain words, as the top factor of the highest-risk contacts — never a protective one", () => {
    const top = risk.slice(0, 50);
    const planted = top.filter((r) => /repeat contacts? about an unresolved issue|missed or abandoned calls?|detractor NPS responses?/.test(r.top_factor));
    expect(planted.length).toBeGreaterThanOrEqual(45);
    expect(top[0]!.top_factor).toMatch(/^\d+ (repeat contacts? about an unresolved issue|missed or abandoned calls?|detractor NPS responses? \(0-6\)) in the last \d+ days$/);
    // A reason is always on the risky side: never "0 missed calls", never a long tenure.
    const meanTenure = 60 + 750 + 7 * 14.5;
    for (const r of risk) {
      expect(r.top_factor).not.toMatch(/^0 /);
      const tenure = /customer for only (\d+) days/.exec(r.top_factor);
      if (tenure) expect(Number(tenure[1])).toBeLessThan(meanTenure);
    }
    expect(risk.filter((r) => r.top_factor === NO_FACTOR).length).toBeGreaterThan(0);
  });

  it("saves a version the registry serves, and reloads it to the mart's probabilities", async () => {
    const dir = join(paths.models, "churn", result.version);
    for (const f of ["metadata.json", "metrics.json"]) expect(existsSync(join(dir, f)), f).toBe(true);
    const doc = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8"));
    // Every candidate is listed with its validation and test metrics; the served one is named.
    expect(doc.selected).toBe(result.selected);
    expect(doc.selection.candidates.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["logistic λ=1", "mlp 64-32", "gbdt depth 4"]));
    for (const c of doc.selection.candidates) expect(c.validation.roc_auc).toBeGreaterThan(0.5);
    const chosen = doc.selection.candidates.find((c: { name: string }) => c.name === doc.selected);
    for (const c of doc.selection.candidates) expect(chosen.validation.roc_auc).toBeGreaterThanOrEqual(c.validation.roc_auc);
    expect(doc.metrics.rocAuc).toBe(result.metrics.rocAuc);
    expect(doc.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.trainingWindow.dataEnd).toBe("2026-07-26");
    // Final: refitted on every labelled snapshot (the newest two are unlabelled), the validation window's Platt map.
    expect(doc.trainingWindow.final.train).toEqual(["2026-01-04", "2026-07-12"]);
    expect(doc.trainingWindow.final.calibration).toEqual(result.metrics.calibrationSnapshots);
    expect(doc.metrics.platt).toEqual(result.metrics.platt);
    expect(readRegistry(paths, "churn").map((e) => e.status)).toEqual(["serving"]);
    const loaded = await loadChurnVersion(paths, result.version);
    const db = await openDb();
    const frame = await loadSnapshotFrame(db, paths).finally(() => db.close());
    const idx = rowsAt(frame, [isoToDays("2026-07-26")], false);
    const { probability } = score(loaded, frame, idx);
    loaded.dispose();
    const byId = new Map(risk.map((r) => [r.contact_id, r.churn_probability]));
    for (let k = 0; k < idx.length; k++) expect(probability[k]).toBeCloseTo(byId.get(frame.ids[idx[k]!]!)!, 12);
    expect(snapshotDates(frame).labelled).toHaveLength(28);
  });

  it("refuses an identical retrain (same backtest, not better) and keeps serving the first version", async () => {
    const again = await trainChurn(config);
    expect(again.metrics).toEqual(result.metrics);
    expect(again.promoted).toBe(false);
    expect(again.serving).toBe(result.version);
    expect(readRegistry(paths, "churn").map((e) => e.status)).toEqual(["serving", "refused"]);
    const db = await openDb();
    const [v] = await rows<{ v: string }>(db, `SELECT DISTINCT model_version AS v FROM ${martScan(paths, "churn_risk")}`).finally(() => db.close());
    expect(v!.v).toBe(result.version);
  }, 300_000);
});

describe("churn control: shuffled labels", () => {
  it("finds nothing (test ROC AUC ≈ 0.5)", async () => {
    const config = tempConfig({ churn: { epochs: 8 } });
    await makeChurnMarts(config, { shuffleLabels: true });
    const r = await trainChurn(config);
    expect(Math.abs(r.metrics.rocAuc! - 0.5)).toBeLessThan(0.1);
    expect(r.metrics.liftTopDecile!).toBeLessThan(2);
  }, 300_000); // three candidate families × two phases; ~25 CPU-s, more wall time on a shared machine
});
