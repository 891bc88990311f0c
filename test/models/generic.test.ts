/**
 * The file entry points on small real data sets from ../shared/datasets (skipped, saying so, when
 * that folder is absent): `train churn --input` on IBM's telco churn sample and `forecast --input`
 * on the 2003 bank five-minute call counts, with the peers' protocol. The peers' own figures are
 * in ../shared/peers/README.md and are measured side by side by `npm run bench models`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";

const DATASETS = join(import.meta.dirname, "..", "..", "..", "shared", "datasets");
const TELCO = join(DATASETS, "telco-churn-ibm", "Telco-Customer-Churn.csv");
const BANK = join(DATASETS, "bank-calls-5min-2003", "bank_calls.csv");
const skipped = (file: string) => (existsSync(file) ? "" : ` (skipped: ${file} is absent)`);

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

describe("commsight train churn --input", () => {
  it.skipIf(!existsSync(TELCO))(`learns telco churn as well as the peers' logistic regression${skipped(TELCO)}`, async () => {
    const { code, out } = await cli("train", "churn", "--input", TELCO, "--target", "Churn", "--positive", "Yes", "--id", "customerID");
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.data).toMatchObject({ n_rows_used: 7043, n_test: 1409 });
    expect(doc.data.numeric_columns).toEqual(["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]); // TotalCharges: numbers with blanks
    expect(doc.data.categorical_columns).toContain("Contract");
    const m = doc.models.commsight_logistic.metrics;
    expect(m.roc_auc).toBeGreaterThan(0.83);
    expect(m.brier).toBeLessThan(0.15);
    expect(Math.abs(m.mean_predicted - doc.data.positive_rate_test)).toBeLessThan(0.03); // calibrated
  });

  it("explains bad usage with exit code 2", async () => {
    expect((await cli("train", "churn", "--input", "x.csv")).code).toBe(2);
    expect((await cli("train", "forecast", "--input", "x.csv", "--target", "y", "--positive", "1")).code).toBe(2);
  });
});

describe("commsight forecast --input", () => {
  it.skipIf(!existsSync(BANK))(`forecasts a week of five-minute bank calls below TBATS's MASE with honest intervals${skipped(BANK)}`, async () => {
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
