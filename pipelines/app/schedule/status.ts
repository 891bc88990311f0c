/**
 * The scheduler's part of `commsight status`: who holds the lock (and whether it looks alive), each
 * job's last run, and alert actions that need a person (in doubt after a crash, or given up).
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { pidAlive, SchedulerLock } from "./lock.ts";
import { ScheduleStateFile } from "./state.ts";

export function scheduleStatusLines(stateDir: string, now = new Date()): string[] {
  const statePath = join(stateDir, "schedule.json");
  const lockPath = join(stateDir, "scheduler.lock");
  if (!existsSync(statePath) && !existsSync(lockPath)) return [];
  const out = ["", "scheduler:"];
  const lock = SchedulerLock.read(lockPath);
  if (!lock) out.push("  not running (no lock)");
  else {
    const age = Math.round((now.getTime() - Date.parse(lock.heartbeatAt)) / 1000);
    const alive = lock.host !== hostname() || pidAlive(lock.pid);
    out.push(`  running: pid ${lock.pid} on ${lock.host} since ${lock.startedAt}, heartbeat ${age} s ago${alive ? "" : " (that process is gone: the next start takes over)"}`);
  }
  for (const [name, j] of Object.entries(ScheduleStateFile.read(statePath).jobs)) {
    const now = j.running ? `  now: ${j.running.step}` : "";
    out.push(`  ${name.padEnd(20)} last ${j.lastStatus.padEnd(11)} ${j.lastFinishedAt ?? ""}${j.lastSeconds !== null ? ` (${j.lastSeconds.toFixed(1)} s)` : ""}` +
      `  runs ${j.runs}${j.skippedOverlaps ? `, ${j.skippedOverlaps} overlapping fires skipped` : ""}${j.lastError && j.lastStatus !== "ok" ? `  error: ${j.lastError}` : ""}${now}`);
  }
  return out;
}
