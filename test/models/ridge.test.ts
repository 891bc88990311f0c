import { describe, expect, it } from "vitest";
import { choleskySolve, robustSolve } from "../../models/shared/ridge.ts";

describe("ridge solve", () => {
  it("a Gram matrix rounded a hair short of definite is solved with a small diagonal jitter", () => {
    // Columns 2 and 3 are the same one-hot information: XᵀX is singular, as float32 rounding leaves such groups.
    const a = Float64Array.from([4, 2, 2, 2, 2, 2, 2, 2, 2]);
    const b = Float64Array.from([6, 3, 3]);
    expect(() => choleskySolve(a, b, 3)).toThrow(/not positive definite/);
    const { x, jitter } = robustSolve(a, b, 3);
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-3);
    // A·x reproduces b: the jitter only picks one of the equally good solutions.
    for (let i = 0; i < 3; i++) expect(a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!).toBeCloseTo(b[i]!, 4);
  });

  it("leaves a definite system alone", () => {
    const { x, jitter } = robustSolve(Float64Array.from([2, 0, 0, 4]), Float64Array.from([2, 8]), 2);
    expect(jitter).toBe(0);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
  });
});
