import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exec, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { rocAuc, prAuc, liftTopDecile, fitPlatt, applyPlatt, calibrationTable, fitIsotonic, applyIsotonic, brier } from "../../models/churn/evaluate.ts";
import { chooseCalibration } from "../../models/churn/select.ts";
import { mulberry32 } from "../../models/shared/rng.ts";
import { bandsFrom, riskBand } from "../../models/churn/predict.ts";
import { coverage, maseScale, seasonalNaive, smape } from "../../models/forecast/evaluate.ts";
import { quantile } from "../../models/forecast/intervals.ts";
import { fitLogistic } from "../../models/shared/logistic.ts";
import { choleskySolve, fitRidge } from "../../models/shared/ridge.ts";
import { readColumns } from "../../models/shared/columnar.ts";
import { daysToIso, isoToDays } from "../../models/shared/dates.ts";
import { usFederalHolidays } from "../../models/shared/holidays.ts";
import { loadTable, writeMart } from "../../models/shared/mart.ts";
import { dirHandler, loadModelVersion, newVersion, saveModelVersion } from "../../models/shared/modelStore.ts";
import { initTf, tf, tfBackend } from "../../models/shared/tf.ts";
import { tempConfig } from "./synthetic.ts";

describe("tfjs backend", () => {
  it("runs on wasm (or tfjs-node's 'tensorflow' if it happens to be installed), never cpu", async () => {
    const backend = await initTf();
    expect(["wasm", "tensorflow"]).toContain(backend);
    expect(tfBackend()).toBe(backend);
    expect(await initTf()).toBe(backend); // idempotent
  });
});

describe("model store", () => {
  it("saves with the file IOHandler and loads back identical predictions", async () => {
    await initTf();
    const paths = lakePaths(tempConfig());
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 8, inputShape: [5], activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    model.add(tf.layers.dense({ units: 1, activation: "sigmoid", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    const x = tf.tensor2d(Float32Array.from({ length: 50 }, (_, i) => Math.sin(i)), [10, 5]);
    const before = (model.predict(x) as tf.Tensor).dataSync();
    const version = newVersion(paths, "demo", new Date("2026-01-02T03:04:05Z"));
    expect(version).toBe("v20260102T030405");
    const saved = await saveModelVersion(paths, "demo", version, { net: model }, { kind: "demo", answer: 42 }, { metrics: { a: 1 } });
    for (const f of saved.files) expect(existsSync(f)).toBe(true);
    expect(readdirSync(join(paths.models, "demo")).filter((f) => f.startsWith("."))).toEqual([]);
    // The same second is taken: the next version moves on by a second.
    expect(newVersion(paths, "demo", new Date("2026-01-02T03:04:05.500Z"))).toBe("v20260102T030406");

    const loaded = await loadModelVersion<{ kind: string; answer: number }>(paths, "demo", version);
    expect(loaded.version).toBe(version);
    expect(loaded.metadata).toEqual({ kind: "demo", answer: 42 });
    expect(loaded.metrics.metrics).toEqual({ a: 1 });
    const after = (loaded.parts.net!.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    // Raw handler: weights.bin holds exactly the float32 weights.
    const art = await dirHandler(join(saved.dir, "net")).load!();
    expect((art.weightData as ArrayBuffer).byteLength).toBe(4 * (5 * 8 + 8 + 8 + 1));
  });
});

describe("ridge and logistic regression on tfjs", () => {
  it("ridge recovers the least-squares solution and solves SPD systems exactly", async () => {
    await initTf();
    expect(Array.from(choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2))).toEqual([0.5, 0]);
    const n = 2000;
    const p = 3;
    const x = new Float32Array(n * p);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) x[i * p + j] = Math.sin(i * (j + 1) * 0.37) * (j + 1);
      y[i] = 3 + 2 * x[i * p]! - x[i * p + 1]! + 0.5 * x[i * p + 2]!;
    }
    const fit = fitRidge(x, y, n, p, 1e-9);
    // Weights are on standardised inputs: weight ÷ std is the raw coefficient.
    expect(fit.kernel[0]! / fit.scaler.std[0]!).toBeCloseTo(2, 3);
    expect(fit.kernel[1]! / fit.scaler.std[1]!).toBeCloseTo(-1, 3);
    expect(fit.kernel[2]! / fit.scaler.std[2]!).toBeCloseTo(0.5, 3);
    const pred = (fit.model.predict(tf.tensor2d([(1 - fit.scaler.mean[0]!) / fit.scaler.std[0]!, -fit.scaler.mean[1]! / fit.scaler.std[1]!, -fit.scaler.mean[2]! / fit.scaler.std[2]!], [1, 3])) as tf.Tensor).dataSync()[0]!;
    expect(pred).toBeCloseTo(5, 3); // 3 + 2·1
  });

  it("logistic regression by Newton's method meets the optimality condition of the L2 objective", async () => {
    await initTf();
    const n = 3000;
    const x = Float32Array.from({ length: n * 2 }, (_, k) => Math.sin(k * 1.618) * 2);
    const y = Float32Array.from({ length: n }, (_, i) => (((i * 7919) % 1000) / 1000 < 1 / (1 + Math.exp(-(0.5 + 1.5 * x[2 * i]! - x[2 * i + 1]!))) ? 1 : 0));
    const lambda = 2;
    const fit = fitLogistic(x, y, n, 2, lambda);
    // Gradient of Σ logloss + λ/2‖w‖² vanishes at the optimum.
    const g = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const pr = 1 / (1 + Math.exp(-(fit.bias + fit.kernel[0]! * x[2 * i]! + fit.kernel[1]! * x[2 * i + 1]!)));
      g[0]! += (pr - y[i]!) * x[2 * i]!; g[1]! += (pr - y[i]!) * x[2 * i + 1]!; g[2]! += pr - y[i]!;
    }
    expect(Math.abs(g[0]! + lambda * fit.kernel[0]!)).toBeLessThan(1e-2);
    expect(Math.abs(g[1]! + lambda * fit.kernel[1]!)).toBeLessThan(1e-2);
    expect(Math.abs(g[2]!)).toBeLessThan(1e-2);
    expect(fit.kernel[0]).toBeGreaterThan(1.2);
    expect(fit.kernel[1]).toBeLessThan(-0.7);
  });
});

describe("columnar DuckDB I/O", () => {
  it("reads typed columns and writes a mart atomically", async () => {
    const paths = lakePaths(tempConfig());
    const db = await openDb();
    try {
      const cols = await readColumns(db, `
        SELECT i::BIGINT AS n, CASE WHEN i % 2 = 0 THEN NULL ELSE i / 2 END::DOUBLE AS d, 1.5 AS dec,
               (DATE '2026-01-01' + i::INTEGER) AS day, 'r' || i AS s
        FROM range(5000) t(i) ORDER BY i`);
      expect(cols.rowCount).toBe(5000);
      expect(cols.num("n")[4999]).toBe(4999);
      expect(Number.isNaN(cols.num("d")[0]!)).toBe(true);
      expect(cols.num("d")[3]).toBe(1.5);
      expect(cols.num("dec")[0]).toBe(1.5);
      expect(daysToIso(cols.date("day")[31]!)).toBe("2026-02-01");
      expect(cols.str("s")[4321]).toBe("r4321");

      const n = 5000;
      await loadTable(db, "t", [
        { name: "id", type: "VARCHAR", values: Array.from({ length: n }, (_, i) => `id${i}`) },
        { name: "v", type: "DOUBLE", values: Float64Array.from({ length: n }, (_, i) => i / 10) },
        { name: "d", type: "DATE", values: Array.from({ length: n }, (_, i) => isoToDays("2026-01-01") + (i % 3)) },
      ]);
      const out = await writeMart(db, paths, "unit_mart", "SELECT * FROM t");
      expect(out.rows).toBe(n);
      expect(readdirSync(join(paths.marts, "unit_mart"))).toEqual(["data.parquet"]);
      const [r] = await rows<{ n: number; s: number; d: string }>(db, `SELECT count(*) n, sum(v) s, max(d)::VARCHAR d FROM ${martScan(paths, "unit_mart")}`);
      expect(r).toEqual({ n, s: (n * (n - 1)) / 20, d: "2026-01-03" });
      await exec(db, "SELECT 1");
    } finally {
      db.close();
    }
  });
});

describe("US federal holidays", () => {
  it("knows 2026 (with observed dates)", () => {
    const h = usFederalHolidays(2026).map(daysToIso);
    for (const d of ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-07-04", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"]) {
      expect(h).toContain(d);
    }
    expect(h).not.toContain("2026-07-06");
    expect(usFederalHolidays(2021).map(daysToIso)).toContain("2021-12-31"); // New Year 2022 is a Saturday
  });
});

describe("metrics", () => {
  it("ROC AUC, PR AUC, lift, Platt, calibration, risk bands", () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75);
    expect(rocAuc([0, 1], [0.5, 0.5])).toBeCloseTo(0.5);
    expect(rocAuc([1, 1], [0.5, 0.2])).toBeNull();
    expect(prAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo((1 + 2 / 3) / 2);
    const y = Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : 0));
    const p = Array.from({ length: 100 }, (_, i) => 1 - i / 100);
    expect(liftTopDecile(y, p)).toBeCloseTo(10);
    const s = Array.from({ length: 400 }, (_, i) => (i % 20) / 5 - 2);
    const yy = s.map((v, i) => (((i * 7919) % 100) / 100 < 1 / (1 + Math.exp(-(2 * v - 1))) ? 1 : 0));
    const platt = fitPlatt(s, yy);
    expect(platt.a).toBeGreaterThan(1);
    expect(platt.b).toBeLessThan(0);
    const cal = applyPlatt([0.5, 0.9], { a: 1, b: 0 });
    expect(cal[0]).toBeCloseTo(0.5);
    expect(cal[1]).toBeCloseTo(0.9);
    const table = calibrationTable([0, 1, 1], [0.05, 0.95, 0.99]);
    expect(table).toHaveLength(10);
    expect(table[9]).toMatchObject({ n: 2, observedRate: 1 });
    // Probability bands from the calibration window's churn rate (2%): high ≥ 10%, medium ≥ 4%.
    const b = bandsFrom(Float64Array.from({ length: 100 }, (_, i) => (i < 2 ? 1 : 0)));
    expect(b).toEqual({ baseRate: 0.02, high: 0.1, medium: 0.04 });
    expect([0.001, 0.039, 0.04, 0.099, 0.1, 0.9].map((p) => riskBand(p, b))).toEqual(["low", "low", "medium", "medium", "high", "high"]);
  });

  it("isotonic calibration: a monotone fit that keeps the mean, and chosen over Platt only where the curve is not a sigmoid", () => {
    // Pool-adjacent-violators by hand: scores 1..6, labels 0 1 0 1 1 1 → blocks {1}, {2,3}, {4,5,6} at rates 0, ½, 1.
    const iso = fitIsotonic([1, 2, 3, 4, 5, 6], [0, 1, 0, 1, 1, 1]);
    expect(iso.x).toEqual([1, 2.5, 5]);
    expect(iso.y.map((v) => Math.round(v * 1000) / 1000)).toEqual([0.083, 0.5, 0.917]); // clipped to [1/(2n), 1 − 1/(2n)]
    expect(Array.from(applyIsotonic([0, 1.75, 2.5, 10], iso)).map((v) => Math.round(v * 1000) / 1000)).toEqual([0.083, 0.292, 0.5, 0.917]);
    const rng = mulberry32(4);
    const draw = (truth: (p: number) => number) => {
      const p = Float64Array.from({ length: 4000 }, () => 0.02 + 0.96 * rng());
      return { p, y: Float64Array.from(p, (v) => (rng() < truth(v) ? 1 : 0)) };
    };
    // A step: the raw score ranks well but its probabilities are not a sigmoid of its log-odds.
    const step = draw((v) => (v < 0.5 ? 0.05 : 0.6));
    const stepChoice = chooseCalibration(step.p, step.y);
    expect(stepChoice.calibrator.method).toBe("isotonic");
    expect(stepChoice.brier.isotonic).toBeLessThan(stepChoice.brier.platt);
    const fitted = fitIsotonic(step.p, step.y);
    const cal = applyIsotonic(step.p, fitted);
    for (let k = 1; k < fitted.y.length; k++) expect(fitted.y[k]!).toBeGreaterThan(fitted.y[k - 1]!);
    expect(cal.reduce((s, v) => s + v, 0) / cal.length).toBeCloseTo(step.y.reduce((s, v) => s + v, 0) / step.y.length, 2);
    // Strictly increasing: the rows the step function ties (below the first knot: a block of
    // certain negatives; above the last: certain positives) keep the raw order, so the ranking — and
    // ROC AUC — is the raw score's, while no probability moves by more than 10⁻⁶ from the step's.
    const ends = draw((v) => (v < 0.4 ? 0 : v > 0.9 ? 1 : v));
    const endsIso = fitIsotonic(ends.p, ends.y);
    const endsCal = applyIsotonic(ends.p, endsIso);
    const m = endsIso.x.length;
    const flat = Array.from(ends.p.keys()).filter((i) => ends.p[i]! <= endsIso.x[0]! || ends.p[i]! >= endsIso.x[m - 1]!);
    expect(flat.length).toBeGreaterThan(500);
    for (const i of flat) expect(Math.abs(endsCal[i]! - endsIso.y[ends.p[i]! <= endsIso.x[0]! ? 0 : m - 1]!)).toBeLessThanOrEqual(1e-6);
    expect(new Set(flat.map((i) => endsCal[i]!)).size).toBe(new Set(flat.map((i) => ends.p[i]!)).size);
    expect(rocAuc(ends.y, endsCal)).toBeCloseTo(rocAuc(ends.y, ends.p)!, 12);
    // Already calibrated (the truth is the score): Platt's two parameters are enough and win.
    const exact = draw((v) => v);
    const exactChoice = chooseCalibration(exact.p, exact.y);
    expect(exactChoice.calibrator.method).toBe("platt");
    expect(Math.abs(brier(exact.y, exact.p) - exactChoice.brier.platt)).toBeLessThan(0.002);
  });

  it("MASE scale, seasonal naive, sMAPE, coverage, quantiles", () => {
    const y = Array.from({ length: 21 }, (_, i) => (i % 7) + Math.floor(i / 7));
    expect(maseScale(y, 0, 20, 7)).toBe(1);
    expect(Array.from(seasonalNaive(y, 13, 8, 7))).toEqual([y[7], y[8], y[9], y[10], y[11], y[12], y[13], y[7]]);
    expect(smape([0, 10], [0, 10])).toBe(0);
    expect(smape([0, 2], [0, 6])).toBeCloseTo(50);
    expect(coverage([1, 2, 3, 4], [0, 0, 0, 5], [2, 2, 2, 6])).toBe(0.5);
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
  });
});
