/**
 * The MLP's one-hot inputs: centred (x − mean, within [−1, 1]) rather than z-scored, so a rare
 * level does not enter as a large number; the saved model restored from its spec and
 * preprocessing predicts exactly as the fitted one (the scaling is part of the model, not the data).
 */
import { describe, expect, it } from "vitest";
import { fitCandidate, mlpInputScale, restoreFitted, type CandidateSpec } from "../../models/churn/candidates.ts";
import { designMatrix, type Frame } from "../../models/churn/prep.ts";
import { MLP_DEFAULTS } from "../../models/shared/mlp.ts";
import { mulberry32 } from "../../models/shared/rng.ts";
import { initTf } from "../../models/shared/tf.ts";

/** 600 rows: a numeric column, and a categorical one with a common level and a rare one (2%) that churns. */
function frame(): Frame {
  const rng = mulberry32(4);
  const n = 600;
  const x = new Float64Array(n);
  const plan: string[] = [];
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng() * 10;
    plan.push(i % 50 === 0 ? "rare" : i % 2 ? "basic" : "plus");
    label[i] = rng() < (plan[i] === "rare" ? 0.6 : 0.05 + 0.03 * x[i]!) ? 1 : 0;
  }
  return { n, ids: Array.from({ length: n }, (_, i) => `r${i}`), numeric: new Map([["x", x]]), categorical: new Map([["plan", plan]]), label };
}

const spec = (oneHot?: "centred" | "standardised"): CandidateSpec => ({ name: "mlp 8", family: "mlp", oneHot, options: { ...MLP_DEFAULTS, hidden: [8], maxEpochs: 4, patience: 2, seeds: 1, batchSize: 64 } });

describe("the MLP's one-hot inputs", () => {
  it("are the level indicator minus its share when centred, z-scores otherwise", async () => {
    const f = frame();
    const rows = Int32Array.from({ length: f.n }, (_, i) => i);
    await initTf();
    const fitted = await fitCandidate(spec("centred"), f, rows, { seed: 1 });
    const { prep } = fitted;
    const p = prep.features.length;
    const z = designMatrix(f, rows, prep);
    const scale = mlpInputScale(prep, "centred")!;
    expect(mlpInputScale(prep, "standardised")).toBeNull();
    expect(mlpInputScale(prep, undefined)).toBeNull();
    const plan = f.categorical.get("plan")!;
    const share = (level: string) => plan.filter((v) => v === level).length / f.n;
    prep.features.forEach((feat, j) => {
      if (feat.source === "x") { expect(scale[j]).toBe(1); return; }
      const level = feat.name.split("=")[1]!;
      for (const i of [0, 1, 2]) {
        const centred = z[i * p + j]! * scale[j]!;
        expect(centred).toBeCloseTo((plan[i] === level ? 1 : 0) - share(level), 5);
        expect(Math.abs(centred)).toBeLessThanOrEqual(1);
      }
    });
    // The rare level (2%) z-scored enters as about 7; centred, as 0.98.
    const rare = prep.features.findIndex((ft) => ft.name === "plan=rare");
    expect(z[rare]!).toBeGreaterThan(6.5);
    expect(z[rare]! * scale[rare]!).toBeCloseTo(0.98, 5);

    // Restored from what is saved (spec, preprocessing, state, tfjs parts), it predicts the same.
    const restored = restoreFitted(fitted.spec, prep, fitted.state(), fitted.parts());
    const a = fitted.predictX(z, f.n);
    const b = restored.predictX(z, f.n);
    for (let i = 0; i < f.n; i += 37) expect(b[i]).toBeCloseTo(a[i]!, 6);
    // …and differs from the same network reading z-scores (the scaling is applied, not ignored).
    const asZ = restoreFitted({ ...fitted.spec, oneHot: undefined } as CandidateSpec, prep, fitted.state(), fitted.parts());
    const c = asZ.predictX(z, f.n);
    expect(Math.abs(c[0]! - a[0]!)).toBeGreaterThan(1e-4);
    fitted.dispose();
  });
});
