import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { loadChurnModel, trainChurn, type ChurnResult } from "../../models/churn/index.ts";
import { loadChurnFrame, rowsFor, snapshots } from "../../models/churn/features.ts";
import { tfBackend } from "../../models/shared/tf.ts";
import { makeChurnMarts, tempConfig } from "./synthetic.ts";

type RiskRow = { contact_id: string; segment: string; as_of: string; churn_probability: number; risk_band: string; top_factor: string; model_version: string };

describe("churn model on synthetic contacts (churn driven by repeat contacts and detractors)", () => {
  const config = tempConfig();
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
  });

  it("trains on the wasm backend", () => {
    expect(["wasm", "tensorflow"]).toContain(tfBackend());
  });

  it("separates churners on the latest labelled snapshot, time-honestly", () => {
    const m = result.metrics;
    expect(m.rocAuc!).toBeGreaterThan(0.75);
    expect(m.prAuc!).toBeGreaterThan(m.baseRate);
    expect(m.liftTopDecile!).toBeGreaterThan(2);
    expect(m.testSnapshot).toBe("2026-06-30"); // snapshots Jul–Sep are unlabelled
    expect(m.calibrationSnapshot).toBe("2026-05-31");
    expect(m.trainSnapshots.at(-1)).toBe("2026-04-30");
    expect(m.nTrain).toBe(4 * 1500);
    expect(m.nTest).toBe(1500);
    // Class weights inflate raw probabilities; Platt scaling repairs them.
    expect(m.brier).toBeLessThan(m.brierUncalibrated);
    expect(m.logLoss).toBeLessThan(m.logLossUncalibrated);
    expect(m.calibration).toHaveLength(10);
    expect(m.calibration.reduce((s, b) => s + b.n, 0)).toBe(1500);
  });

  it("writes churn_risk: one row per contact of the scoring snapshot", () => {
    expect(schema).toEqual({
      contact_id: "VARCHAR", segment: "VARCHAR", as_of: "DATE", churn_probability: "DOUBLE",
      risk_band: "VARCHAR", top_factor: "VARCHAR", model_version: "VARCHAR",
    });
    expect(result.rowsIn).toBe(1500 * 9);
    expect(result.rowsOut).toBe(1500);
    expect(risk).toHaveLength(1500);
    expect(new Set(risk.map((r) => r.contact_id)).size).toBe(1500);
    expect(new Set(risk.map((r) => r.as_of.slice(0, 10)))).toEqual(new Set(["2026-09-30"]));
    for (const r of risk) {
      expect(r.churn_probability).toBeGreaterThanOrEqual(0);
      expect(r.churn_probability).toBeLessThanOrEqual(1);
      expect(r.model_version).toBe(result.version);
    }
    const bands = risk.reduce<Record<string, number>>((a, r) => ({ ...a, [r.risk_band]: (a[r.risk_band] ?? 0) + 1 }), {});
    expect(bands).toEqual({ high: 150, medium: 300, low: 1050 });
    expect(risk.slice(0, 150).every((r) => r.risk_band === "high")).toBe(true);
    expect(result.outputs).toContain(join(paths.marts, "churn_risk", "data.parquet"));
  });

  it("names the planted drivers as the top factor of the highest-risk contacts", () => {
    const top = risk.slice(0, 50);
    const planted = top.filter((r) => /unresolved repeat contact|detractor NPS response/.test(r.top_factor));
    expect(planted.length).toBeGreaterThanOrEqual(45);
    expect(top[0]!.top_factor).toMatch(/^\d+ (unresolved repeat contacts?|detractor NPS responses?) .*in 90 days$/);
  });

  it("saves model.json, weights.bin, metrics.json and latest.json", () => {
    const dir = join(paths.models, "churn", result.version);
    expect(result.version).toMatch(/^v\d{8}T\d{6}$/);
    for (const f of ["model.json", "weights.bin", "metrics.json"]) expect(existsSync(join(dir, f))).toBe(true);
    expect(JSON.parse(readFileSync(join(paths.models, "churn", "latest.json"), "utf8")).version).toBe(result.version);
    const doc = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8"));
    expect(doc.metrics.rocAuc).toBe(result.metrics.rocAuc);
    expect(doc.rows).toMatchObject({ in: 13500, train: 6000, test: 1500, out: 1500 });
    expect(doc.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.seconds).toBeGreaterThan(0);
    expect(doc.trainingWindow.scoringSnapshot).toBe("2026-09-30");
  });

  it("loads the saved model and reproduces the mart's probabilities exactly", async () => {
    const loaded = await loadChurnModel(paths);
    expect(loaded.version).toBe(result.version);
    const db = await openDb();
    const frame = await loadChurnFrame(db, paths).finally(() => db.close());
    const idx = rowsFor(frame, [snapshots(frame).scoring], false);
    const { probability } = loaded.score(frame, idx);
    const byId = new Map(risk.map((r) => [r.contact_id, r.churn_probability]));
    for (let k = 0; k < idx.length; k++) expect(probability[k]).toBe(byId.get(frame.contactId[idx[k]!]!));
  });

  it("gives identical metrics for the same data and seed", async () => {
    const again = await trainChurn(config);
    expect(again.version).not.toBe(result.version);
    expect(again.metrics).toEqual(result.metrics);
  });
});

describe("churn control: shuffled labels", () => {
  it("finds nothing (test ROC AUC ≈ 0.5)", async () => {
    const config = tempConfig();
    await makeChurnMarts(config, { shuffleLabels: true });
    const r = await trainChurn(config);
    expect(Math.abs(r.metrics.rocAuc! - 0.5)).toBeLessThan(0.1);
    expect(r.metrics.liftTopDecile!).toBeLessThan(2);
  });
});
