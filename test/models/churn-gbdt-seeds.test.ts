/**
 * The file grid's boosted trees average GBDT_SEEDS fits (bagging: each seed its own row and column
 * samples and its own early-stopping split). What that buys, on a synthetic table whose true
 * probabilities are known: two ensembles started from different seeds agree far more closely than
 * two single fits do, and the ensemble's probabilities are nearer the truth than its members' on
 * average. Small trees on 900 rows, so the test is cheap.
 */
import { describe, expect, it } from "vitest";
import { defaultCandidates, fitCandidate, GBDT_SEEDS, predictFrame, type CandidateSpec } from "../../models/churn/candidates.ts";
import type { Frame } from "../../models/churn/prep.ts";
import { GBDT_DEFAULTS, predictGbdt, type Gbdt } from "../../models/shared/gbdt.ts";
import { designMatrix } from "../../models/churn/prep.ts";
import { mulberry32 } from "../../models/shared/rng.ts";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Churn from a threshold interaction of a and b plus a linear c; d is noise. */
function table(n: number, seed: number): { frame: Frame; truth: Float64Array } {
  const rng = mulberry32(seed);
  const cols = { a: new Float64Array(n), b: new Float64Array(n), c: new Float64Array(n), d: new Float64Array(n) };
  const truth = new Float64Array(n);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const k of ["a", "b", "c", "d"] as const) cols[k][i] = rng() * 10;
    truth[i] = sigmoid(-2.5 + (cols.a[i]! > 6 && cols.b[i]! > 4 ? 3 : 0) + 0.2 * (cols.c[i]! - 5));
    label[i] = rng() < truth[i]! ? 1 : 0;
  }
  return { frame: { n, ids: Array.from({ length: n }, (_, i) => `r${i}`), numeric: new Map(Object.entries(cols)), categorical: new Map(), label }, truth };
}

const meanSq = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2; return s / a.length; };

describe("the file grid's boosted trees", () => {
  it("average GBDT_SEEDS fits per candidate", () => {
    const trees = defaultCandidates().filter((s) => s.family === "gbdt");
    expect(trees.length).toBeGreaterThan(0);
    for (const s of trees) expect((s as Extract<CandidateSpec, { family: "gbdt" }>).seeds).toBe(GBDT_SEEDS);
    expect(GBDT_SEEDS).toBeGreaterThanOrEqual(10);
  });

  it("are steadier and nearer the true probabilities averaged over seeds than fitted once", async () => {
    const { frame, truth } = table(1500, 3);
    const train = Int32Array.from({ length: 900 }, (_, i) => i);
    const held = Int32Array.from({ length: 600 }, (_, i) => 900 + i);
    const options = { ...GBDT_DEFAULTS, maxDepth: 3, learningRate: 0.1, maxTrees: 150, patience: 20 };
    const spec = (seeds: number): CandidateSpec => ({ name: `gbdt ×${seeds}`, family: "gbdt", options, seeds });
    const fit = async (seeds: number, seed: number) => fitCandidate(spec(seeds), frame, train, { seed });
    const [single1, single2, bag1, bag2] = [await fit(1, 1), await fit(1, 2), await fit(GBDT_SEEDS, 1), await fit(GBDT_SEEDS, 2)];
    const p = (f: typeof single1) => predictFrame(f, frame, held);
    const t = Float64Array.from(held, (i) => truth[i]!);
    // Two starts: the bagged ensembles disagree far less than two single fits.
    const singleGap = meanSq(p(single1), p(single2));
    const bagGap = meanSq(p(bag1), p(bag2));
    expect(bagGap).toBeLessThan(0.4 * singleGap); // measured 0.18 of it
    // Each ensemble predicts the mean of its members, and is nearer the truth than they are on average.
    const x = designMatrix(frame, held, bag1.prep);
    const members = (bag1.state().gbdt as Gbdt[]).map((m) => predictGbdt(m, x, held.length));
    expect(members).toHaveLength(GBDT_SEEDS);
    const mean = Float64Array.from(held, (_, r) => members.reduce((s, m) => s + m[r]!, 0) / members.length);
    expect(meanSq(p(bag1), mean)).toBeLessThan(1e-20);
    const memberError = members.reduce((s, m) => s + meanSq(m, t), 0) / members.length;
    expect(meanSq(p(bag1), t)).toBeLessThan(0.9 * memberError); // measured 0.76 of it
    // Distinct members: the seeds differ, so the averaging has something to average.
    expect(meanSq(members[0]!, members[1]!)).toBeGreaterThan(1e-5);
  });
});
