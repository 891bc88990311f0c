/**
 * The file entry points on small real data sets from ../shared/datasets: the churn model on IBM's
 * telco churn sample and on the Orange/BigML split, `forecast --input` on the 2003 bank
 * five-minute call counts, with the peers' protocol. CI always has ../shared: there these tests
 * run (and fail if a file is missing); elsewhere they skip, saying so. The churn tests use a small
 * candidate grid (CPU); the full grid and the peers' figures side by side: `npm run bench models`.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import type { CandidateSpec } from "../../models/churn/candidates.ts";
import { trainChurnFile } from "../../models/churn/generic.ts";
import { GBDT_DEFAULTS } from "../../models/shared/gbdt.ts";
import { ORANGE, orangeFile } from "../helpers/orange.ts";

const DATASETS = join(import.meta.dirname, "..", "..", "..", "shared", "datasets");
const TELCO = join(DATASETS, "telco-churn-ibm", "Telco-Customer-Churn.csv");
const BANK = join(DATASETS, "bank-calls-5min-2003", "bank_calls.csv");
/** Skip only outside CI (CI always has ../shared), saying why. */
const absent = (file: string) => !existsSync(file) && !process.env.CI;
const skipped = (file: string) => (existsSync(file) ? "" : ` (skipped: ${file} is absent; ../shared is only in CI and dev machines)`);

const small: CandidateSpec[] = [
  { name: "logistic λ=10", family: "logistic", lambda: 10 },
  { name: "gbdt depth 4", family: "gbdt", options: { ...GBDT_DEFAULTS, learningRate: 0.15, maxTrees: 200, patience: 20 }, seeds: 1 },
];

/** Run the CLI in-process; returns its exit code and what it printed to stdout. */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    const code = await main(["node", "commsight", ...args]);
    return { code, out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe("the churn model on files", () => {
  it.skipIf(absent(TELCO))(`learns telco churn at least as well as the peers' best (ROC AUC 0.8418, Brier 0.137)${skipped(TELCO)}`, async () => {
    const doc = await trainChurnFile({ input: TELCO, target: "Churn", positive: "Yes", id: "customerID", candidates: small, folds: 3 });
    expect(doc.data).toMatchObject({ n_rows_used: 7043, n_test: 1409 });
    expect(doc.data.numeric_columns).toEqual(["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]); // TotalCharges: numbers with blanks
    expect(doc.data.categorical_columns).toContain("Contract");
    expect(Object.keys(doc.models)).toEqual(["logistic λ=10", "gbdt depth 4", "blend (stacked candidates)"]);
    const m = doc.served.metrics;
    expect(m.roc_auc).toBeGreaterThan(0.8418);
    expect(m.brier).toBeLessThan(0.137);
    expect(Math.abs(m.mean_predicted - doc.data.positive_rate_test)).toBeLessThan(0.03); // calibrated
  });

  it.skipIf(absent(join(ORANGE, "churn-bigml-80.csv")))(`serves boosted trees on Orange/BigML, where churn is not linear in the columns${skipped(join(ORANGE, "churn-bigml-80.csv"))}`, async () => {
    const { file, ids } = orangeFile(mkdtempSync(join(tmpdir(), "orange-")));
    const doc = await trainChurnFile({ input: file, target: "Churn", positive: "True", id: "row_id", testIds: ids, candidates: small, folds: 3 });
    expect(doc.data).toMatchObject({ n_train: 2661, n_test: 667 });
    expect(doc.selected).toBe("gbdt depth 4");
    expect(doc.models["gbdt depth 4"]!.validation.roc_auc!).toBeGreaterThan(doc.models["logistic λ=10"]!.validation.roc_auc! + 0.05);
    expect(doc.served.metrics.roc_auc).toBeGreaterThan(0.9);
    expect(doc.served.metrics.brier).toBeLessThan(0.05);
    // The raw files spell the label TRUE (80% file) and True (20% file): that is an error, not a silent one-class fit.
    await expect(trainChurnFile({ input: join(ORANGE, "churn-bigml-80.csv"), target: "Churn", positive: "True", candidates: small }))
      .rejects.toThrow(/--positive "True" matches no row exactly; "TRUE" differ only in case or spaces/);
  });

  it("explains bad usage with exit code 2", async () => {
    expect((await cli("train", "churn", "--input", "x.csv")).code).toBe(2);
    expect((await cli("train", "forecast", "--input", "x.csv", "--target", "y", "--positive", "1")).code).toBe(2);
  });
});

describe("commsight forecast --input", () => {
  it.skipIf(absent(BANK))(`forecasts a week of five-minute bank calls below TBATS's MASE with honest intervals${skipped(BANK)}`, async () => {
    const { code, out } = await cli("forecast", "--input", BANK, "--time-col", "DateTime", "--value-col", "Calls",
      "--season-length", "169", "--seasonal-periods", "169,845", "--horizon", "845");
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.config).toMatchObject({ layout: "calendar", slots_per_day: 169, holdout: 845 });
    expect(doc.data).toMatchObject({ n_total: 27716, n_train: 26871, n_eval: 845, test_start: "2003-10-20T07:00:00Z" });
    expect(doc.methods.snaive.metrics.mase).toBeCloseTo(1.1039, 3); // the peers' seasonal naive, same scale
    const m = doc.methods.commsight.metrics;
    expect(m.mase).toBeLessThan(0.829); // R TBATS, the best peer
    expect(Math.abs(m.coverage80 - 0.8)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(m.coverage95 - 0.95)).toBeLessThanOrEqual(0.05);
  });

  it("explains bad usage with exit code 2", async () => {
    expect((await cli("forecast", "--input", "x.csv")).code).toBe(2);
    expect((await cli("forecast", "--input", "x.csv", "--time-col", "t", "--value-col", "y", "--season-length", "7", "--horizon", "0")).code).toBe(2);
  });
});
