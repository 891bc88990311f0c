/**
 * When the blend is served: DeLong's standard error of a paired ROC AUC difference (checked against
 * a bootstrap of the same rows), and the rule built on it — the stack is served only when its
 * validation ROC AUC leads the best single candidate by more than that standard error.
 * Synthetic validation predictions only (no model is trained but the stack), so the test is cheap.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CandidateSpec } from "../../models/churn/candidates.ts";
import { BLEND } from "../../models/churn/candidates.ts";
import { rocAuc } from "../../models/churn/evaluate.ts";
import { aucComponents, choose, pairedAucSe } from "../../models/churn/select.ts";
import { mulberry32 } from "../../models/shared/rng.ts";
import { initTf } from "../../models/shared/tf.ts";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function gauss(rng: () => number): number {
  const u = Math.max(1e-12, rng());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Labels driven by two signals s1 + s2; model A sees s1, model B sees s2, each with its own noise. */
function twoSignals(n: number, seed: number, noise: number) {
  const rng = mulberry32(seed);
  const y = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s1 = gauss(rng);
    const s2 = gauss(rng);
    y[i] = rng() < sigmoid(-2 + 1.5 * s1 + 1.5 * s2) ? 1 : 0;
    a[i] = sigmoid(-2 + 1.5 * s1 + noise * gauss(rng));
    b[i] = sigmoid(-2 + 1.5 * s2 + noise * gauss(rng));
  }
  return { y, a, b };
}

const specs: CandidateSpec[] = [
  { name: "logistic", family: "logistic", lambda: 1 },
  { name: "gbdt", family: "gbdt", options: {} as never, seeds: 1 },
];

describe("the paired ROC AUC standard error", () => {
  it("has components whose means are the ROC AUC, ties counted half", () => {
    const y = [1, 0, 1, 0, 0, 1, 0, 0];
    const p = [0.9, 0.9, 0.4, 0.4, 0.1, 0.7, 0.2, 0.7];
    const c = aucComponents(y, p);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(c.pos).toHaveLength(3);
    expect(c.neg).toHaveLength(5);
    expect(mean(c.pos)).toBeCloseTo(rocAuc(y, p)!, 12);
    expect(mean(c.neg)).toBeCloseTo(rocAuc(y, p)!, 12);
    // The positive at 0.9 is above 4 negatives and tied with 1: (4 + ½) / 5.
    expect(c.pos[0]).toBeCloseTo(4.5 / 5, 12);
  });

  it("agrees with a bootstrap of the same rows", () => {
    const { y, a, b } = twoSignals(1500, 7, 1);
    const se = pairedAucSe(y, a, b);
    const rng = mulberry32(3);
    const diffs: number[] = [];
    for (let r = 0; r < 300; r++) {
      const idx = Array.from({ length: y.length }, () => Math.floor(rng() * y.length));
      const yy = idx.map((i) => y[i]!);
      diffs.push(rocAuc(yy, idx.map((i) => a[i]!))! - rocAuc(yy, idx.map((i) => b[i]!))!);
    }
    const m = diffs.reduce((s, v) => s + v, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((s, v) => s + (v - m) ** 2, 0) / (diffs.length - 1));
    expect(se).toBeGreaterThan(0.005);
    expect(Math.abs(se - sd) / sd).toBeLessThan(0.2);
    // A model against itself: no difference, no error.
    expect(pairedAucSe(y, a, a)).toBe(0);
  });
});

describe("serving the blend", () => {
  beforeAll(async () => {
    await initTf();
  });

  it("serves it when it leads the best single candidate by more than the standard error", () => {
    // Each candidate sees half of the signal: the stack of both is clearly better than either.
    const { y, a, b } = twoSignals(3000, 11, 0.3);
    const v = choose(specs, new Map([["logistic", a], ["gbdt", b]]), y);
    expect(v.blendLead).not.toBeNull();
    expect(v.blendLead!.lead).toBeGreaterThan(3 * v.blendLead!.se);
    expect(v.selected).toBe(BLEND);
  });

  it("keeps the best single candidate when the blend's lead is inside the noise", () => {
    // The second candidate is the first one slightly perturbed: stacking them adds nothing real, so
    // the stack's validation score is the first one's give or take noise, and often tops it.
    let toppedButNotServed = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const { y, a } = twoSignals(2000, 100 + seed, 0.3);
      const rng = mulberry32(seed);
      const a2 = a.map((v) => sigmoid(Math.log(v / (1 - v)) + 0.1 * gauss(rng)));
      const v = choose(specs, new Map([["logistic", a], ["gbdt", a2]]), y);
      const auc = (name: string) => v.validation.get(name)!.roc_auc!;
      const single = auc("logistic") >= auc("gbdt") ? "logistic" : "gbdt";
      const blendTop = auc(BLEND) > auc(single);
      expect(v.blendLead !== null).toBe(blendTop);
      if (!blendTop) { expect(v.selected).toBe(single); continue; }
      expect(v.blendLead!.over).toBe(single);
      expect(v.blendLead!.lead).toBeCloseTo(auc(BLEND) - auc(single), 12);
      expect(v.blendLead!.se).toBeCloseTo(pairedAucSe(y, v.predictions.get(BLEND)!, v.predictions.get(single)!), 12);
      expect(v.selected).toBe(v.blendLead!.lead > v.blendLead!.se ? BLEND : single);
      if (v.selected !== BLEND) toppedButNotServed++;
    }
    expect(toppedButNotServed).toBeGreaterThan(0);
  });
});
