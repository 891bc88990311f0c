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

describe("run ledger costs", () => {
  it("records what each stage cost the process: CPU-seconds of the stage alone and the peak RSS", async () => {
    const ledger = join(mkdtempSync(join(tmpdir(), "ledger-")), "ledger.jsonl");
    const run = new Run(ledger, "run");
    const spin = (ms: number) => { const end = process.cpuUsage().user / 1000 + ms; let x = 0; while (process.cpuUsage().user / 1000 < end) x += Math.sqrt(x + 1); return x; };
    await run.stage("busy", async () => { spin(300); return {}; });
    await run.stage("idle", async () => { await new Promise((r) => setTimeout(r, 300)); return {}; });
    run.finish();
    const [summary] = summariseRuns(readLedger(ledger));
    const busy = summary!.stages.find((s) => s.stage === "busy")!;
    const idle = summary!.stages.find((s) => s.stage === "idle")!;
    expect(busy.cpuSeconds).toBeGreaterThanOrEqual(0.3);
    expect(idle.cpuSeconds).toBeLessThan(0.15); // a wait costs wall time, not CPU
    expect(idle.peakRssMiB).toBeGreaterThan(10);
    expect(idle.peakRssMiB).toBeLessThan(process.resourceUsage().maxRSS / 1024 + 1);
  });
});
