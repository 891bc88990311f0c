/**
 * The run ledger: every run and each of its stages (start, end, rows in/out, status, error),
 * appended as JSON lines to data/runs/ledger.jsonl and fsynced, so a crash keeps what was done.
 */
import { appendDurable, readDurable } from "./jsonl.ts";
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const LedgerEntry = z.object({
  runId: z.string(),
  command: z.string(),
  stage: z.string(),                 // "run" for the run as a whole
  /** "skipped": the stage did not run, and `error` says why: something it reads was not published this run, or nothing it depends on changed since it last succeeded. */
  status: z.enum(["started", "ok", "failed", "skipped"]),
  at: z.string(),                    // ISO time of this entry
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  rowsIn: z.number().nullable(),
  rowsOut: z.number().nullable(),
  outputs: z.array(z.string()).default([]),
  /** Per-entity (or per-model) figures of a stage, e.g. an extract's read/landed/updated/quarantined counts. */
  counts: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  error: z.string().nullable(),
  /** What the stage cost this process: CPU-seconds (user + system) and the process's peak RSS so far, MiB (child processes such as Chromium not counted). */
  cpuSeconds: z.number().optional(),
  peakRssMiB: z.number().optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export type StageResult = { rowsIn?: number; rowsOut?: number; outputs?: string[]; counts?: Record<string, Record<string, number>> };

export class Run {
  readonly runId = randomUUID();
  readonly startedAt = new Date().toISOString();
  private failed = false;

  constructor(private readonly ledgerPath: string, readonly command: string) {
    this.append({ stage: "run", status: "started", startedAt: this.startedAt });
  }

  /** Run one stage, recording its start and end; a failure is recorded and rethrown. */
  async stage<T extends StageResult>(name: string, fn: () => Promise<T>): Promise<T> {
    const startedAt = new Date().toISOString();
    this.append({ stage: name, status: "started", startedAt });
    const cpu0 = process.cpuUsage();
    const cost = () => {
      const d = process.cpuUsage(cpu0);
      return { cpuSeconds: Math.round((d.user + d.system) / 1e4) / 100, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
    };
    try {
      const result = await fn();
      this.append({
        stage: name, status: "ok", startedAt, endedAt: new Date().toISOString(),
        rowsIn: result.rowsIn ?? null, rowsOut: result.rowsOut ?? null, outputs: result.outputs ?? [],
        ...(result.counts ? { counts: result.counts } : {}), ...cost(),
      });
      return result;
    } catch (err) {
      this.failed = true;
      this.append({ stage: name, status: "failed", startedAt, endedAt: new Date().toISOString(), error: errorText(err), ...cost() });
      throw err;
    }
  }

  /** Record a stage that did not run, and why (it reads what a failed stage did not publish, or nothing it depends on changed). */
  skip(name: string, why: string): void {
    const at = new Date().toISOString();
    this.append({ stage: name, status: "skipped", startedAt: at, endedAt: at, error: why });
  }

  finish(err?: unknown): void {
    const failed = this.failed || err !== undefined;
    this.append({
      stage: "run", status: failed ? "failed" : "ok", startedAt: this.startedAt,
      endedAt: new Date().toISOString(), error: err === undefined ? null : errorText(err),
    });
  }

  private append(partial: Partial<LedgerEntry> & Pick<LedgerEntry, "stage" | "status" | "startedAt">): void {
    const entry: LedgerEntry = LedgerEntry.parse({
      runId: this.runId, command: this.command, at: new Date().toISOString(), endedAt: null,
      rowsIn: null, rowsOut: null, outputs: [], error: null, ...partial,
    });
    appendDurable(this.ledgerPath, entry);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The ledger's entries, oldest first; a torn last line (crash mid-write) is skipped. */
export function readLedger(path: string): LedgerEntry[] {
  return readDurable(path, LedgerEntry);
}

export type RunSummary = {
  runId: string; command: string; status: string; startedAt: string; endedAt: string | null;
  stages: { stage: string; status: string; seconds: number | null; rowsIn: number | null; rowsOut: number | null; error: string | null; counts?: Record<string, Record<string, number>>; cpuSeconds?: number; peakRssMiB?: number }[];
};

/** Fold the entries into one summary per run, newest first. */
export function summariseRuns(entries: LedgerEntry[], limit = 10): RunSummary[] {
  const runs = new Map<string, RunSummary>();
  for (const e of entries) {
    let run = runs.get(e.runId);
    if (!run) {
      run = { runId: e.runId, command: e.command, status: "running", startedAt: e.startedAt, endedAt: null, stages: [] };
      runs.set(e.runId, run);
    }
    if (e.stage === "run") {
      if (e.status !== "started") { run.status = e.status; run.endedAt = e.endedAt; }
      continue;
    }
    const seconds = e.endedAt ? (Date.parse(e.endedAt) - Date.parse(e.startedAt)) / 1000 : null;
    const stage = {
      stage: e.stage, status: e.status === "started" ? "running" : e.status, seconds, rowsIn: e.rowsIn, rowsOut: e.rowsOut, error: e.error,
      ...(e.counts ? { counts: e.counts } : {}), ...(e.cpuSeconds !== undefined ? { cpuSeconds: e.cpuSeconds } : {}), ...(e.peakRssMiB !== undefined ? { peakRssMiB: e.peakRssMiB } : {}),
    };
    const i = run.stages.findIndex((s) => s.stage === e.stage);
    if (i >= 0) run.stages[i] = stage; else run.stages.push(stage);
  }
  return [...runs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
}
