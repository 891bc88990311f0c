/**
 * The churn model on files, on synthetic tables whose truth is known: the served candidate is
 * chosen without the test rows (shuffling their labels changes the test scores, not the choice);
 * a non-linear model's reasons name the columns of a planted interaction; bad labels are errors
 * that say what was seen.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { BLEND, fitCandidate, type CandidateSpec } from "../../models/churn/candidates.ts";
import { explainRows, linearAttribution } from "../../models/churn/explain.ts";
import { LabelError, positiveValues, trainChurnFile } from "../../models/churn/generic.ts";
import type { Frame } from "../../models/churn/prep.ts";
import { designMatrix } from "../../models/churn/prep.ts";
import { GBDT_DEFAULTS } from "../../models/shared/gbdt.ts";
import { MLP_DEFAULTS } from "../../models/shared/mlp.ts";
import { mulberry32 } from "../../models/shared/rng.ts";
import { initTf } from "../../models/shared/tf.ts";

const dir = mkdtempSync(join(tmpdir(), "churn-selection-"));

/**
 * Churn depends on an interaction of a and b — "xor": exactly one of them is high (no additive
 * model fits it); "and": both are high — c weakly, d, e and plan not at all.
 */
function interactionRows(n: number, seed: number, kind: "xor" | "and" = "xor") {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const a = rng() * 10;
    const b = rng() * 10;
    const c = rng() * 10;
    const d = rng() * 10;
    const e = Math.round(rng() * 5);
    const plan = ["basic", "plus", "max"][Math.floor(rng() * 3)]!;
    const logit = kind === "xor" ? -3 + ((a > 5) !== (b > 5) ? 4 : 0) + 0.1 * (c - 5) : -3.2 + (a > 6 && b > 6 ? 5 : 0) + 0.1 * (c - 5);
    const churn = rng() < 1 / (1 + Math.exp(-logit));
    return { id: `r${i}`, a: a.toFixed(3), b: b.toFixed(3), c: c.toFixed(3), d: d.toFixed(3), e: String(e), plan, churn: churn ? "yes" : "no" };
  });
}

type Row = ReturnType<typeof interactionRows>[number];
const toCsv = (rows: Row[]) => "id,a,b,c,d,e,plan,churn\n" + rows.map((r) => [r.id, r.a, r.b, r.c, r.d, r.e, r.plan, r.churn].join(",")).join("\n") + "\n";

const quick: CandidateSpec[] = [
  { name: "logistic λ=1", family: "logistic", lambda: 1 },
  { name: "mlp 16", family: "mlp", options: { ...MLP_DEFAULTS, hidden: [16], maxEpochs: 12, patience: 4, seeds: 1, batchSize: 128, learningRate: 1e-2 } },
  { name: "gbdt depth 3", family: "gbdt", options: { ...GBDT_DEFAULTS, maxTrees: 80, learningRate: 0.2, maxDepth: 3, patience: 15 }, seeds: 1 },
];

describe("choosing the served churn model", () => {
  const rows = interactionRows(1500, 11);
  const testIds = rows.filter((_, i) => i % 5 === 0).map((r) => r.id);
  const idsFile = join(dir, "test_ids.csv");
  let original: Awaited<ReturnType<typeof trainChurnFile>>;
  let shuffled: Awaited<ReturnType<typeof trainChurnFile>>;

  beforeAll(async () => {
    writeFileSync(idsFile, "id\n" + testIds.join("\n") + "\n");
    writeFileSync(join(dir, "original.csv"), toCsv(rows));
    // The test rows' labels permuted among themselves (a different seed), training rows untouched.
    const isTest = new Set(testIds);
    const testLabels = rows.filter((r) => isTest.has(r.id)).map((r) => r.churn);
    const rng = mulberry32(99);
    for (let k = testLabels.length - 1; k > 0; k--) { const j = Math.floor(rng() * (k + 1)); [testLabels[k], testLabels[j]] = [testLabels[j]!, testLabels[k]!]; }
    let t = 0;
    writeFileSync(join(dir, "shuffled.csv"), toCsv(rows.map((r) => (isTest.has(r.id) ? { ...r, churn: testLabels[t++]! } : r))));
    const opts = { target: "churn", positive: "yes", id: "id", testIds: idsFile, candidates: quick, folds: 3, explain: 3 };
    original = await trainChurnFile({ ...opts, input: join(dir, "original.csv") });
    shuffled = await trainChurnFile({ ...opts, input: join(dir, "shuffled.csv") });
  });

  it("lists every candidate's validation and test metrics and names the served one", () => {
    expect(Object.keys(original.models)).toEqual(["logistic λ=1", "mlp 16", "gbdt depth 3", "blend (stacked candidates)"]);
    for (const m of Object.values(original.models)) {
      expect(m.validation.roc_auc).toBeGreaterThan(0.5);
      expect(m.test.roc_auc).toBeGreaterThan(0.5);
    }
    expect(original.selection.test_rows_used).toBe(false);
    // The highest validation ROC AUC is served, the blend only when it leads the best single candidate by more than the lead's standard error.
    const best = Math.max(...Object.values(original.models).map((m) => m.validation.roc_auc!));
    const bestSingle = Math.max(...Object.entries(original.models).filter(([n]) => n !== BLEND).map(([, m]) => m.validation.roc_auc!));
    const lead = original.selection.blend_lead;
    if (original.models[BLEND]!.validation.roc_auc === best && best > bestSingle) {
      expect(lead!.lead).toBeCloseTo(best - bestSingle, 12);
      expect(original.selected).toBe(lead!.lead > lead!.se ? BLEND : lead!.over);
    } else {
      expect(lead).toBeNull();
    }
    expect(original.models[original.selected]!.validation.roc_auc).toBe(original.selected === BLEND ? best : bestSingle);
    // The interaction is out of a linear model's reach: a non-linear candidate is served.
    expect(original.selected).not.toBe("logistic λ=1");
    expect(original.models["gbdt depth 3"]!.test.roc_auc!).toBeGreaterThan(original.models["logistic λ=1"]!.test.roc_auc! + 0.03);
    expect(original.served.calibration).toHaveLength(10);
    expect(original.served.calibration.reduce((s, b) => s + b.n, 0)).toBe(original.data.n_test);
  });

  it("does not change when the test labels are shuffled: same choice, same validation; only the test scores move", () => {
    expect(shuffled.selected).toBe(original.selected);
    for (const name of Object.keys(original.models)) expect(shuffled.models[name]!.validation).toEqual(original.models[name]!.validation);
    expect(shuffled.served.platt).toEqual(original.served.platt);
    expect(shuffled.calibration).toEqual(original.calibration); // Platt or isotonic: chosen on the training rows' out-of-fold predictions
    expect(Math.abs(shuffled.models[shuffled.selected]!.test.roc_auc! - 0.5)).toBeLessThan(0.1);
    expect(original.models[original.selected]!.test.roc_auc!).toBeGreaterThan(0.75);
  });

  it("gives the riskiest test rows reasons computed for the served model", () => {
    expect(original.served.reasons).toHaveLength(3);
    for (const r of original.served.reasons) expect(["a", "b"]).toContain(r.factors[0]!.split(" ")[0]);
  });
});

describe("reasons for a non-linear model", () => {
  it("name the two columns of a planted interaction", async () => {
    await initTf();
    const rows = interactionRows(2000, 5, "and");
    const frame: Frame = {
      n: rows.length, ids: rows.map((r) => r.id),
      numeric: new Map((["a", "b", "c", "d", "e"] as const).map((k) => [k, Float64Array.from(rows, (r) => Number(r[k]))])),
      categorical: new Map([["plan", rows.map((r) => r.plan)]]),
      label: Float64Array.from(rows, (r) => (r.churn === "yes" ? 1 : 0)),
    };
    const all = Int32Array.from(rows.keys());
    const model = await fitCandidate(quick[2]!, frame, all, { seed: 3 });
    const [a, b] = [frame.numeric.get("a")!, frame.numeric.get("b")!];
    const inside = Int32Array.from(all.filter((i) => a[i]! > 7 && b[i]! > 7)).subarray(0, 40);
    const reasons = explainRows(model, frame, all, inside, { seed: 1, permutations: 16, background: 32, top: 2 });
    let named = 0;
    for (const r of reasons) if (r.map((f) => f.split(" ")[0]).sort().join() === "a,b") named++;
    expect(named).toBeGreaterThanOrEqual(36); // ≥ 90% of the contacts inside the interaction
    // A linear model's contributions are exact: they add up to its log-odds minus the average row's.
    const lin = await fitCandidate(quick[0]!, frame, all, { seed: 3 });
    const x = designMatrix(frame, inside, lin.prep);
    const att = linearAttribution(lin.kernel!, lin.prep, x, inside.length);
    const p = lin.predictX(x, inside.length);
    const bias = (lin.state() as { bias: number }).bias;
    for (let r = 0; r < inside.length; r++) {
      const sum = att.contrib.subarray(r * att.sources.length, (r + 1) * att.sources.length).reduce((s, v) => s + v, 0);
      expect(Math.log(p[r]! / (1 - p[r]!))).toBeCloseTo(bias + sum, 4);
    }
  });
});

describe("bad labels are clear errors", () => {
  it("refuses a --positive that matches only up to case, naming the values seen, unless told to accept it", () => {
    expect(() => positiveValues(["TRUE", "FALSE", "TRUE"], "True", false)).toThrow(/--positive "True" matches no row exactly; "TRUE" differ only in case or spaces \(values seen: "TRUE" \(2\), "FALSE" \(1\)\).*--positive-ignore-case/);
    expect(() => positiveValues(["TRUE", "True", "False"], "True", false)).toThrow(/matches some rows exactly, but "TRUE" differ only in case/);
    expect(positiveValues(["TRUE", "True", "False", "FALSE"], "True", true)).toEqual(["True", "TRUE"]);
    expect(() => positiveValues(["yes", "no"], "Yes ", false)).toThrow(LabelError);
    expect(() => positiveValues(["yes", "no"], "maybe", false)).toThrow(/--positive "maybe" matches no row \(values seen: "yes" \(1\), "no" \(1\)\)/);
  });

  it("asks which value is positive when the target has more than two", () => {
    expect(() => positiveValues(["a", "b", "c"], undefined, false)).toThrow(/the target has 3 values \("a" \(1\), "b" \(1\), "c" \(1\)\); say which one means churned with --positive/);
  });

  it("stops when the training part has one class, naming the counts", async () => {
    const rows = interactionRows(300, 2);
    writeFileSync(join(dir, "oneclass.csv"), toCsv(rows));
    // Every churner is listed as a test row: the training part has none.
    writeFileSync(join(dir, "oneclass_ids.csv"), "id\n" + rows.filter((r) => r.churn === "yes").map((r) => r.id).join("\n") + "\n");
    const nNeg = rows.filter((r) => r.churn === "no").length;
    await expect(trainChurnFile({ input: join(dir, "oneclass.csv"), target: "churn", positive: "yes", id: "id", testIds: join(dir, "oneclass_ids.csv"), candidates: quick }))
      .rejects.toThrow(new RegExp(`the training part has 0 positive and ${nNeg} negative rows`));
  });

  it("says all of it through the CLI: exit code 2 and the message, and --positive-ignore-case takes the variants", async () => {
    /** Run the CLI in-process: exit code, stdout, stderr. */
    const cli = async (...args: string[]) => {
      let out = "";
      let err = "";
      const o = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => { out += String(c); return true; });
      const e = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => { err += String(c); return true; });
      try {
        return { code: await main(["node", "commsight", ...args]), out, err };
      } finally {
        o.mockRestore();
        e.mockRestore();
      }
    };
    // The label spelled two ways (as in the Orange/BigML files: TRUE in one, True in the other).
    const rows = interactionRows(400, 21);
    const spelled = rows.map((r, i) => ({ ...r, churn: r.churn === "yes" ? (i % 2 ? "TRUE" : "True") : "False" }));
    const nPos = rows.filter((r) => r.churn === "yes").length;
    const file = join(dir, "spelled.csv");
    writeFileSync(file, toCsv(spelled));
    const refused = await cli("train", "churn", "--input", file, "--target", "churn", "--positive", "True", "--quick");
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/--positive "True" matches some rows exactly, but "TRUE" differ only in case or spaces/);
    expect(refused.err).toMatch(new RegExp(`"False" \\(${400 - nPos}\\)`));
    expect(refused.err).toMatch(/--positive-ignore-case/);
    expect(refused.out).toBe("");

    const taken = await cli("train", "churn", "--input", file, "--target", "churn", "--positive", "True", "--positive-ignore-case", "--id", "id", "--quick");
    expect(taken.code).toBe(0);
    const doc = JSON.parse(taken.out);
    expect(doc.config.positive_values.sort()).toEqual(["TRUE", "True"]);
    // Every churner counted, whichever way it is spelled: the training and test rates add up to the file's.
    expect(Math.round(doc.data.positive_rate_train * doc.data.n_train + doc.data.positive_rate_test * doc.data.n_test)).toBe(nPos);

    // More than two values and no --positive.
    const three = join(dir, "three.csv");
    writeFileSync(three, toCsv(rows.map((r, i) => ({ ...r, churn: i % 3 === 0 ? "maybe" : r.churn }))));
    const ambiguous = await cli("train", "churn", "--input", three, "--target", "churn");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toMatch(/the target has 3 values \(.*"maybe" \(134\)/);
    expect(ambiguous.err).toMatch(/say which one means churned with --positive/);

    // A training part with one class: every churner listed as a test row.
    const ids = join(dir, "cli_oneclass_ids.csv");
    writeFileSync(ids, "id\n" + rows.filter((r) => r.churn === "yes").map((r) => r.id).join("\n") + "\n");
    const oneClass = await cli("train", "churn", "--input", join(dir, "spelled.csv"), "--target", "churn", "--positive", "True", "--positive-ignore-case", "--id", "id", "--test-ids", ids, "--quick");
    expect(oneClass.code).toBe(2);
    expect(oneClass.err).toContain(`the training part has 0 positive and ${400 - nPos} negative rows`);
  }, 240_000);
});
