/**
 * The scheduler in-process with short cron intervals (six-field, every second) and a recording step
 * runner: cron times in the business time zone, no overlap of a job with itself, retries with backoff,
 * one catch-up of missed runs on restart, and the lock (one instance, takeover after a crash or a hang,
 * stepping down when the lock is taken).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ScheduleConfigSchema, type Job } from "../../pipelines/app/schedule/config.ts";
import { firstFireAfter } from "../../pipelines/app/schedule/cron.ts";
import { LockHeldError, OwnedLock } from "../../pipelines/core/lock.ts";
import { Scheduler, type SchedulerEvent, type StepRunner } from "../../pipelines/app/schedule/scheduler.ts";
import { ScheduleStateFile } from "../../pipelines/app/schedule/state.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-schedule-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;

function setup(jobs: unknown[], runner: StepRunner, extra: Record<string, unknown> = {}, now?: () => Date) {
  const dir = join(tmp, `s${++n}`);
  const events: SchedulerEvent[] = [];
  const schedule = ScheduleConfigSchema.parse({ jobs, retries: 0, backoffSeconds: 0.05, lock: { heartbeatSeconds: 0.1, staleSeconds: 2 }, ...extra });
  const make = () => new Scheduler({
    schedule, timezone: "America/New_York", statePath: join(dir, "schedule.json"), lockPath: join(dir, "scheduler.lock"), runner,
    onEvent: (e) => events.push(e), ...(now ? { now } : {}),
  });
  mkdirSync(dir, { recursive: true });
  return { dir, events, make, statePath: join(dir, "schedule.json"), lockPath: join(dir, "scheduler.lock") };
}

const recorder = (ms = 0, fail: (job: Job, step: string[], attempt: number) => boolean = () => false) => {
  const calls: { job: string; step: string; at: number }[] = [];
  let active = 0;
  let maxActive = 0;
  const attempts = new Map<string, number>();
  const runner: StepRunner = {
    async run(job, step) {
      const k = `${job.name}:${step.join(" ")}`;
      attempts.set(k, (attempts.get(k) ?? 0) + 1);
      active++;
      maxActive = Math.max(maxActive, active);
      calls.push({ job: job.name, step: step.join(" "), at: Date.now() });
      try {
        if (ms) await sleep(ms);
        if (fail(job, step, attempts.get(k)!)) throw new Error(`step ${k} failed (attempt ${attempts.get(k)})`);
      } finally {
        active--;
      }
    },
  };
  return { runner, calls, max: () => maxActive };
};

describe("cron times", () => {
  it("are read in the business time zone, across daylight saving time", () => {
    const at = (iso: string) => firstFireAfter({ pattern: "0 7 * * 1", timezone: "America/New_York", after: new Date(iso), until: new Date(Date.parse(iso) + 8 * 86_400_000) })?.toISOString();
    expect(at("2026-11-20T00:00:00Z")).toBe("2026-11-23T12:00:00.000Z"); // EST, UTC-5
    expect(at("2026-07-01T00:00:00Z")).toBe("2026-07-06T11:00:00.000Z"); // EDT, UTC-4
    expect(firstFireAfter({ pattern: "0 7 1 * *", timezone: "Asia/Kolkata", after: new Date("2026-11-02T00:00:00Z"), until: new Date("2026-12-31T00:00:00Z") })?.toISOString())
      .toBe("2026-12-01T01:30:00.000Z");
    expect(firstFireAfter({ pattern: "0 7 * * 1", timezone: "America/New_York", after: new Date("2026-11-20T00:00:00Z"), until: new Date("2026-11-22T00:00:00Z") })).toBeNull();
  });
});

describe("the scheduler", () => {
  it("runs jobs on their cron and never overlaps a job with itself", async () => {
    const rec = recorder(1600);
    const s = setup([{ name: "slow", cron: "* * * * * *", steps: [["status"]] }], rec.runner);
    const sched = s.make();
    await sched.start();
    await sleep(4200);
    await sched.stop("test over");
    expect(rec.calls.length).toBeGreaterThanOrEqual(2);
    expect(rec.max()).toBe(1);
    expect(s.events.filter((e) => e.type === "skipped-overlap").length).toBeGreaterThanOrEqual(2);
    const st = ScheduleStateFile.read(s.statePath).jobs.slow!;
    expect(st).toMatchObject({ lastStatus: "ok", running: null });
    expect(st.skippedOverlaps).toBeGreaterThanOrEqual(2);
    expect(OwnedLock.read(s.lockPath)).toBeNull(); // released
  });

  it("retries a failed step with exponential backoff, and stops the job when retries run out", async () => {
    const rec = recorder(0, (job, step, attempt) => job.name === "flaky" ? step[0] === "extract" && attempt <= 2 : true);
    const s = setup([
      { name: "flaky", cron: "0 3 * * *", steps: [["extract"], ["transform"]], retries: 2, backoffSeconds: 0.1 },
      { name: "broken", cron: "0 4 * * *", steps: [["extract"], ["transform"]], retries: 1, backoffSeconds: 0.05 },
    ], rec.runner);
    const sched = s.make();
    await sched.start({ cron: false });
    sched.runNow("flaky");
    sched.runNow("broken");
    await sched.whenIdle();
    await sched.stop("done");
    const failures = s.events.filter((e): e is Extract<SchedulerEvent, { type: "step-failed" }> => e.type === "step-failed");
    expect(failures.filter((f) => f.job === "flaky").map((f) => f.retryInMs)).toEqual([100, 200]);
    expect(failures.filter((f) => f.job === "broken").map((f) => f.retryInMs)).toEqual([50, null]);
    expect(sched.results).toEqual([{ job: "flaky", status: "ok" }, { job: "broken", status: "failed" }]);
    expect(rec.calls.filter((c) => c.job === "broken").map((c) => c.step)).toEqual(["extract", "extract"]); // transform never ran
    expect(ScheduleStateFile.read(s.statePath).jobs.broken).toMatchObject({ lastStatus: "failed", lastError: "step broken:extract failed (attempt 2)" });
  });

  it("catches up runs missed while down exactly once on restart, and nothing on a first start", async () => {
    const rec = recorder();
    const s = setup([{ name: "hourly", cron: "0 * * * *", steps: [["extract"]] }, { name: "weekly", cron: "0 7 * * 1", steps: [["report"]] }], rec.runner);
    const first = s.make();
    await first.start({ cron: false });
    await first.whenIdle();
    await first.stop("first start");
    expect(rec.calls).toEqual([]);
    // Down for three days: 72 hourly runs and no weekly run were missed.
    const state = new ScheduleStateFile(s.statePath);
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    state.update("hourly", { lastFireAt: threeDaysAgo.toISOString() });
    const missedWeekly = firstFireAfter({ pattern: "0 7 * * 1", timezone: "America/New_York", after: threeDaysAgo, until: new Date() }) !== null;
    state.update("weekly", { lastFireAt: threeDaysAgo.toISOString() });
    const second = s.make();
    await second.start({ cron: false });
    await second.whenIdle();
    await second.stop("caught up");
    expect(rec.calls.filter((c) => c.job === "hourly")).toHaveLength(1);
    expect(rec.calls.filter((c) => c.job === "weekly")).toHaveLength(missedWeekly ? 1 : 0);
    expect(s.events.filter((e) => e.type === "catch-up").map((e) => (e as { job: string }).job)).toContain("hourly");
    const third = s.make();
    await third.start({ cron: false });
    await third.whenIdle();
    await third.stop("nothing missed");
    expect(rec.calls.filter((c) => c.job === "hourly")).toHaveLength(1);
  });

  it("holds one instance at a time and takes over the lock of a crashed or hung one", async () => {
    const s = setup([{ name: "j", cron: "0 3 * * *", steps: [["extract"]] }], recorder().runner);
    const a = s.make();
    await a.start({ cron: false });
    expect(() => s.make().lock.acquire("schedule")).toThrow(LockHeldError);
    await a.stop("done");

    // Crashed: the lock names a pid that no longer runs on this host. While a process it started (a
    // member) still runs, the lock holds; once none does, it is taken over at once.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const now = new Date().toISOString();
    writeFileSync(s.lockPath, JSON.stringify({ pid: dead, host: hostname(), token: "t1", startedAt: now, heartbeatAt: now, members: [process.ppid] }));
    expect(() => s.make().lock.acquire("schedule")).toThrow(/that process is gone; pid \d+ it started still works under its lock/);
    writeFileSync(s.lockPath, JSON.stringify({ pid: dead, host: hostname(), token: "t1", startedAt: now, heartbeatAt: now, members: [dead] }));
    const b = s.make();
    await b.start({ cron: false });
    expect(s.events.find((e) => e.type === "started" && e.tookOver)).toMatchObject({ tookOver: `pid ${dead} (pid ${dead} is not running (nor any process it started))` });
    await b.stop("done");

    // Hung: the owner is alive (our parent) but has not beaten for five minutes; a fresh beat is respected.
    const old = new Date(Date.now() - 300_000).toISOString();
    writeFileSync(s.lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), token: "t2", startedAt: old, heartbeatAt: new Date().toISOString() }));
    expect(() => s.make().lock.acquire("schedule")).toThrow(/the scheduler lock is in use: a process \(pid \d+ on /);
    writeFileSync(s.lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), token: "t2", startedAt: old, heartbeatAt: old }));
    const c = s.make();
    expect(c.lock.acquire("schedule")).toMatchObject({ reason: expect.stringMatching(/^no heartbeat for 30\d s$/) });
    c.lock.release();
  });

  it("steps down when another instance has taken its lock", async () => {
    const s = setup([{ name: "j", cron: "0 3 * * *", steps: [["extract"]] }], recorder().runner);
    const a = s.make();
    await a.start({ cron: false });
    const held = OwnedLock.read(s.lockPath)!;
    writeFileSync(s.lockPath, JSON.stringify({ ...held, token: "someone-else" }));
    await Promise.race([a.stopped, sleep(3000)]);
    expect(s.events.map((e) => e.type)).toContain("lock-lost");
    expect(s.events.at(-1)).toEqual({ type: "stopped" });
    expect(OwnedLock.read(s.lockPath)?.token).toBe("someone-else"); // not ours to remove
  });
});
