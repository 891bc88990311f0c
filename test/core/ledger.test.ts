import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Run, readLedger, summariseRuns } from "../../pipelines/core/ledger.ts";

describe("run ledger", () => {
  it("records each stage's start, end, rows and errors, and survives a torn line", async () => {
    const ledger = join(mkdtempSync(join(tmpdir(), "ledger-")), "runs", "ledger.jsonl");
    const run = new Run(ledger, "test");
    await run.stage("a", async () => ({ rowsIn: 10, rowsOut: 7, outputs: ["/x"] }));
    await expect(run.stage("b", async () => { throw new Error("boom at row 3"); })).rejects.toThrow("boom");
    run.finish(new Error("boom at row 3"));
    appendFileSync(ledger, '{"runId": "torn');
    const [summary] = summariseRuns(readLedger(ledger));
    expect(summary!.status).toBe("failed");
    expect(summary!.stages).toEqual([
      expect.objectContaining({ stage: "a", status: "ok", rowsIn: 10, rowsOut: 7 }),
      expect.objectContaining({ stage: "b", status: "failed", error: "boom at row 3" }),
    ]);
    expect(summary!.stages[0]!.seconds).toBeGreaterThanOrEqual(0);
  });
});

describe("run ledger counts", () => {
  it("keeps a stage's per-entity counts", async () => {
    const ledger = join(mkdtempSync(join(tmpdir(), "ledger-")), "ledger.jsonl");
    const run = new Run(ledger, "extract");
    await run.stage("extract", async () => ({ rowsIn: 3, rowsOut: 2, counts: { calls: { read: 3, landed: 2, quarantined: 1 } } }));
    run.finish();
    const done = readLedger(ledger).find((e) => e.stage === "extract" && e.status === "ok")!;
    expect(done.counts).toEqual({ calls: { read: 3, landed: 2, quarantined: 1 } });
  });
});
