/**
 * The state folder's part of `commsight status`: who writes the data folder now, who holds the
 * scheduler lock (and whether it looks alive), each job's last run, and alert actions that need a
 * person (in doubt after a crash, or given up).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeOwner, OwnedLock } from "../../core/lock.ts";
import { ScheduleStateFile } from "./state.ts";

export function scheduleStatusLines(stateDir: string, now = new Date()): string[] {
  const out: string[] = [];
  const writer = OwnedLock.read(join(stateDir, "writer.lock"));
  if (writer) out.push("", `data folder: being written by ${describeOwner(writer, now)}`);
  const statePath = join(stateDir, "schedule.json");
  const lockPath = join(stateDir, "scheduler.lock");
  if (!existsSync(statePath) && !existsSync(lockPath)) return out;
  out.push("", "scheduler:");
  const lock = OwnedLock.read(lockPath);
  if (!lock) out.push("  not running (no lock)");
  else out.push(`  running: ${describeOwner(lock, now)}`);
  for (const [name, j] of Object.entries(ScheduleStateFile.read(statePath).jobs)) {
    const now = j.running ? `  now: ${j.running.step}` : "";
    out.push(`  ${name.padEnd(20)} last ${j.lastStatus.padEnd(11)} ${j.lastFinishedAt ?? ""}${j.lastSeconds !== null ? ` (${j.lastSeconds.toFixed(1)} s)` : ""}` +
      `  runs ${j.runs}${j.skippedOverlaps ? `, ${j.skippedOverlaps} overlapping fires skipped` : ""}${j.lastError && j.lastStatus !== "ok" ? `  error: ${j.lastError}` : ""}${now}`);
  }
  return out;
}
