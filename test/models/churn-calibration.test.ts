/**
 * The calibration map of the served churn candidate (select.ts chooseCalibration): Platt or
 * isotonic, whichever has the lower cross-fitted Brier score on the out-of-fold predictions, with no
 * one-standard-error preference for Platt. Synthetic scores whose true probability bends away from
 * the score by a sine of varying size; no model is trained, so the test is cheap.
 */
import { describe, expect, it } from "vitest";
import { applyCalibrator, brier, fitCalibrator } from "../../models/churn/evaluate.ts";
import { chooseCalibration, stratifiedFolds } from "../../models/churn/select.ts";
import { mulberry32 } from "../../models/shared/rng.ts";

const truth = (bend: number) => (v: number) => Math.min(0.99, Math.max(0.01, v + bend * Math.sin(2 * Math.PI * v)));

function draw(n: number, bend: number, seed: number) {
  const rng = mulberry32(seed);
  const p = Float64Array.from({ length: n }, () => 0.02 + 0.96 * rng());
  const t = truth(bend);
  return { p, y: Float64Array.from(p, (v) => (rng() < t(v) ? 1 : 0)) };
}

/** Cross-fitted calibrated predictions of one map, computed here fold by fold (5 stratified folds, seed 23). */
function crossFitted(method: "platt" | "isotonic", p: Float64Array, y: Float64Array): Float64Array {
  const idx = Int32Array.from(p, (_, i) => i);
  const fold = stratifiedFolds(y, idx, 5, 23);
  const out = new Float64Array(p.length);
  for (let f = 0; f < 5; f++) {
    const tr = idx.filter((i) => fold[i] !== f);
    const te = idx.filter((i) => fold[i] === f);
    const c = fitCalibrator(method, Float64Array.from(tr, (i) => p[i]!), Float64Array.from(tr, (i) => y[i]!));
    applyCalibrator(Float64Array.from(te, (i) => p[i]!), c).forEach((v, k) => { out[te[k]!] = v; });
  }
  return out;
}

describe("the churn calibration map", () => {
  it("is the map with the lower cross-fitted Brier, even when isotonic leads by less than one standard error", () => {
    let withinNoise = 0;
    for (const [bend, seed] of [[0, 5], [0.05, 1], [0.08, 2], [0.15, 2]] as const) {
      const { p, y } = draw(3000, bend, seed);
      const choice = chooseCalibration(p, y);
      const cf = { platt: crossFitted("platt", p, y), isotonic: crossFitted("isotonic", p, y) };
      expect(choice.brier.platt).toBeCloseTo(brier(y, cf.platt), 12);
      expect(choice.brier.isotonic).toBeCloseTo(brier(y, cf.isotonic), 12);
      const lower = choice.brier.isotonic < choice.brier.platt ? "isotonic" : "platt";
      expect(choice.calibrator.method).toBe(lower);
      // The paired per-row difference's standard error: how far inside the noise the choice was.
      const d = Array.from(y, (v, i) => (cf.isotonic[i]! - v) ** 2 - (cf.platt[i]! - v) ** 2);
      const mean = d.reduce((s, v) => s + v, 0) / d.length;
      const se = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length / (d.length - 1));
      if (lower === "isotonic" && -mean <= se) withinNoise++;
      // The chosen map, refitted on all rows, is no worse than the other on fresh rows of the same truth.
      const fresh = draw(40_000, bend, seed + 1000);
      const other = lower === "isotonic" ? "platt" : "isotonic";
      const score = (m: "platt" | "isotonic") => brier(fresh.y, applyCalibrator(fresh.p, fitCalibrator(m, p, y)));
      expect(score(lower)).toBeLessThanOrEqual(score(other) + 2e-4);
    }
    expect(withinNoise).toBeGreaterThan(0); // the old one-standard-error rule would have kept Platt there
    // Exactly calibrated scores (bend 0): Platt's two parameters win.
    expect(chooseCalibration(...Object.values(draw(3000, 0, 5)) as [Float64Array, Float64Array]).calibrator.method).toBe("platt");
  });
});
