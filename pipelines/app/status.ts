/** `commsight status`: the recent runs from the ledger, as a table or JSON. */
import { dirname, join } from "node:path";
import { readLedger, summariseRuns } from "../core/ledger.ts";
import { scheduleStatusLines } from "./schedule/status.ts";

export function printStatus(ledgerPath: string, limit: number, json: boolean): void {
  const runs = summariseRuns(readLedger(ledgerPath), limit);
  if (json) {
    process.stdout.write(JSON.stringify(runs, null, 2) + "\n");
    return;
  }
  if (runs.length === 0) {
    process.stdout.write(`no runs recorded yet (ledger: ${ledgerPath})\n`);
    return;
  }
  for (const run of runs) {
    const secs = run.endedAt ? ((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1) + " s" : "running";
    process.stdout.write(`${run.startedAt}  ${run.command.padEnd(9)} ${run.status.padEnd(7)} ${secs}  ${run.runId}\n`);
    for (const s of run.stages) {
      const rows = [s.rowsIn !== null ? `in ${s.rowsIn.toLocaleString("en-US")}` : "", s.rowsOut !== null ? `out ${s.rowsOut.toLocaleString("en-US")}` : ""].filter(Boolean).join(", ");
      const t = s.seconds !== null ? `${s.seconds.toFixed(1)} s` : "";
      const cost = s.cpuSeconds !== undefined ? `${s.cpuSeconds.toFixed(1)} CPU-s, ${s.peakRssMiB ?? "?"} MiB` : "";
      process.stdout.write(`    ${s.stage.padEnd(16)} ${s.status.padEnd(7)} ${t.padStart(8)} ${cost.padStart(22)}  ${rows}${s.error ? `  ${s.status === "skipped" ? "why" : "error"}: ${s.error}` : ""}\n`);
      for (const [entity, c] of Object.entries(s.counts ?? {})) {
        process.stdout.write(`        ${entity.padEnd(22)} ${Object.entries(c).map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`).join(", ")}\n`);
      }
    }
  }
  process.stdout.write(`(ledger: ${ledgerPath})\n`);
  // The ledger is <data>/runs/ledger.jsonl; the scheduler keeps its state beside it in <data>/state.
  for (const line of scheduleStatusLines(join(dirname(dirname(ledgerPath)), "state"))) process.stdout.write(`${line}\n`);
}
