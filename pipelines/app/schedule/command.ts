/**
 * `commsight schedule`: run the configured jobs until SIGTERM/SIGINT (the first lets the running step
 * finish, a second kills it), `--list` the jobs and their next runs, or `--run <job>` one job now.
 */
import { join } from "node:path";
import type { Config } from "../../core/config.ts";
import { log } from "../../core/log.ts";
import { lakePaths } from "../../core/paths.ts";
import { writerLockPath } from "../../core/lock.ts";
import { nextFire } from "./cron.ts";
import { Scheduler, type SchedulerEvent, type StepRunner } from "./scheduler.ts";
import { ScheduleStateFile } from "./state.ts";
import { commandRunner } from "./steps.ts";
import { stageOfStep } from "../graph.ts";

const say = (line: string) => process.stdout.write(line + "\n");

export function schedulePaths(config: Config) {
  const dir = join(lakePaths(config).data, "state");
  return { state: join(dir, "schedule.json"), lock: join(dir, "scheduler.lock") };
}

export function makeScheduler(config: Config, runner: StepRunner, onEvent?: (e: SchedulerEvent) => void): Scheduler {
  const p = schedulePaths(config);
  return new Scheduler({
    schedule: config.schedule, timezone: config.schedule.timezone ?? config.business.timezone,
    statePath: p.state, lockPath: p.lock, writerLockPath: writerLockPath(lakePaths(config).data), runner,
    onEvent: onEvent ?? ((e) => log.info(e, `schedule: ${e.type}`)),
  });
}

/** SIGTERM/SIGINT once: finish the current step, then exit; twice: kill it. */
export function stopOnSignals(s: Scheduler): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) void s.stop(sig);
    else s.kill();
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return () => { process.off("SIGTERM", handler); process.off("SIGINT", handler); };
}

/** "2026-11-23 07:00" in the schedule's time zone. */
function local(d: Date, timeZone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function printJobs(config: Config): void {
  const tz = config.schedule.timezone ?? config.business.timezone;
  const state = ScheduleStateFile.read(schedulePaths(config).state);
  const now = new Date();
  say(`jobs (cron in ${tz}):`);
  for (const j of config.schedule.jobs) {
    const st = state.jobs[j.name];
    const at = j.enabled ? nextFire(j.cron, tz, now) : null;
    const next = !j.enabled ? "disabled" : at ? local(at, tz) : "(none within 70 days)";
    say(`  ${j.name.padEnd(20)} ${j.cron.padEnd(14)} next ${next}  last ${st?.lastStatus ?? "never"}${st?.lastFinishedAt ? ` at ${st.lastFinishedAt}` : ""}`);
    if (j.select) say(`      select ${j.select.join(" ")} → ${j.steps.map((s) => stageOfStep(s) ?? s[0]).join(" → ")}`);
    for (const s of j.steps) {
      const stage = stageOfStep(s);
      say(`      ${(stage ?? "").padEnd(15)} commsight ${s.join(" ")}`);
    }
  }
}

export async function scheduleCommand(config: Config, opts: { list: boolean; run?: string; configFile?: string | undefined; dataDir?: string | undefined }): Promise<void> {
  if (opts.list) return printJobs(config);
  const scheduler = makeScheduler(config, commandRunner({ configFile: opts.configFile, dataDir: opts.dataDir }));
  const off = stopOnSignals(scheduler);
  try {
    if (opts.run) {
      await scheduler.start({ cron: false, catchUp: false });
      scheduler.runNow(opts.run);
      await scheduler.whenIdle();
      await scheduler.stop("done");
      const failed = scheduler.results.filter((r) => r.status !== "ok");
      if (failed.length) throw new Error(`job ${opts.run} ${failed[0]!.status}`);
      return;
    }
    await scheduler.start();
    say(`scheduler running (pid ${process.pid}); ${scheduler.jobs.length} jobs; SIGTERM or Ctrl-C finishes the current step and stops`);
    await scheduler.stopped;
    say("scheduler stopped");
  } finally {
    off();
  }
}
