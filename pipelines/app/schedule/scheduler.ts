/**
 * The scheduler: croner fires each job in the configured time zone; jobs run one at a time from a
 * queue (a job already running or queued is not queued again, so a job never overlaps itself, and two
 * jobs never fight over the lake); a failed step is retried with exponential backoff; on start, a job
 * whose scheduled time passed while no scheduler ran is caught up once; stop() (SIGTERM) lets the
 * running step finish, skips the rest and releases the lock. A job runs under the data folder's writer
 * lock (waiting while a manual command holds it); its steps join that lock with its token and die with
 * the scheduler, so a new scheduler never runs a step beside an orphan of the old one.
 */
import { Cron } from "croner";
import type { Job, ScheduleConfig } from "./config.ts";
import { firstFireAfter } from "./cron.ts";
import { LockHeldError, OwnedLock, writerLockOptions } from "../../core/lock.ts";
import { ScheduleStateFile } from "./state.ts";

export type StepRunner = {
  /** `writerToken`: the token of the data folder's writer lock the job holds, for the step to join; `spawned`: say the step's pid. */
  run(job: Job, step: string[], index: number, ctx?: StepContext): Promise<void>;
  /** Kill the step under way (a second SIGTERM). */
  kill?(): void;
};

export type StepContext = { writerToken?: string; spawned?: (pid: number) => void };

export type SchedulerEvent =
  | { type: "started"; pid: number; tookOver: string | null }
  | { type: "catch-up"; job: string; missed: string }
  | { type: "recovered"; job: string; step: string }
  | { type: "queued" | "skipped-overlap"; job: string; reason: string; fireAt: string }
  | { type: "step-started" | "step-ok"; job: string; step: string; attempt: number }
  | { type: "step-failed"; job: string; step: string; attempt: number; error: string; retryInMs: number | null }
  | { type: "job-finished"; job: string; status: JobStatus; seconds: number }
  | { type: "stopping"; reason: string }
  | { type: "stopped" }
  | { type: "lock-lost" }
  | { type: "waiting-for-data-folder"; job: string; holder: string };

export type JobStatus = "ok" | "failed" | "interrupted";

export type SchedulerOptions = {
  schedule: ScheduleConfig;
  timezone: string;
  statePath: string;
  lockPath: string;
  /** The data folder's writer lock, taken for each job (none: jobs take no writer lock, as in unit tests). */
  writerLockPath?: string;
  runner: StepRunner;
  now?: () => Date;
  onEvent?: (e: SchedulerEvent) => void;
};

type Queued = { job: Job; fireAt: Date; reason: "cron" | "catch-up" | "manual" };

export class Scheduler {
  readonly lock: OwnedLock;
  readonly state: ScheduleStateFile;
  private readonly now: () => Date;
  private tasks: Cron[] = [];
  private queue: Queued[] = [];
  private running: { job: Job; done: Promise<JobStatus> } | null = null;
  private stopping = false;
  private readonly abort = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private stoppedResolve!: () => void;
  /** Resolves once stop() has finished (lock released). */
  readonly stopped = new Promise<void>((r) => { this.stoppedResolve = r; });
  readonly results: { job: string; status: JobStatus }[] = [];

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.lock = new OwnedLock(opts.lockPath, "the scheduler lock", {
      staleMs: opts.schedule.lock.staleSeconds * 1000, heartbeatMs: opts.schedule.lock.heartbeatSeconds * 1000, now: this.now,
    });
    this.state = new ScheduleStateFile(opts.statePath);
  }

  private emit(e: SchedulerEvent): void {
    this.opts.onEvent?.(e);
  }

  get jobs(): Job[] {
    return this.opts.schedule.jobs.filter((j) => j.enabled);
  }

  /** Take the lock, recover from a crash, catch up missed runs once, and (unless cron is false) start the cron tasks. */
  async start({ cron: withCron = true, catchUp = true }: { cron?: boolean; catchUp?: boolean } = {}): Promise<void> {
    const taken = this.lock.acquire("schedule");
    this.emit({ type: "started", pid: process.pid, tookOver: taken.tookOver ? `pid ${taken.tookOver.pid} (${taken.reason})` : null });
    this.heartbeat = setInterval(() => {
      if (!this.lock.heartbeat()) {
        this.emit({ type: "lock-lost" });
        void this.stop("another scheduler took the lock");
      }
    }, this.opts.schedule.lock.heartbeatSeconds * 1000);
    const now = this.now();
    for (const job of this.jobs) {
      const st = this.state.job(job.name);
      if (st.running) {
        // The previous scheduler died mid-run: that run did not finish, so it is due again (below).
        this.emit({ type: "recovered", job: job.name, step: st.running.step });
        this.state.update(job.name, { running: null, lastStatus: "interrupted", lastError: "the scheduler stopped during this run" });
      }
      if (!catchUp || !(job.catchUp ?? this.opts.schedule.catchUp)) continue;
      if (!st.lastFireAt) {
        // First start: nothing was missed; remember now as the baseline.
        this.state.update(job.name, { lastFireAt: now.toISOString() });
        continue;
      }
      const missed = firstFireAfter({ pattern: job.cron, timezone: this.opts.timezone, after: new Date(st.lastFireAt), until: now });
      if (missed) {
        this.emit({ type: "catch-up", job: job.name, missed: missed.toISOString() });
        this.enqueue(job, now, "catch-up");
      }
    }
    if (withCron) {
      for (const job of this.jobs) {
        this.tasks.push(new Cron(job.cron, { timezone: this.opts.timezone }, (self: Cron) => { this.enqueue(job, self.currentRun() ?? this.now(), "cron"); }));
      }
    }
  }

  /** Queue a run unless the job is already running or queued (no overlap). */
  enqueue(job: Job, fireAt: Date, reason: Queued["reason"]): boolean {
    if (this.stopping) return false;
    if (this.running?.job.name === job.name || this.queue.some((q) => q.job.name === job.name)) {
      this.state.update(job.name, { skippedOverlaps: this.state.job(job.name).skippedOverlaps + 1 });
      this.emit({ type: "skipped-overlap", job: job.name, reason, fireAt: fireAt.toISOString() });
      return false;
    }
    this.queue.push({ job, fireAt, reason });
    this.emit({ type: "queued", job: job.name, reason, fireAt: fireAt.toISOString() });
    this.pump();
    return true;
  }

  runNow(name: string): boolean {
    const job = this.opts.schedule.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job named ${name} (jobs: ${this.opts.schedule.jobs.map((j) => j.name).join(", ")})`);
    return this.enqueue(job, this.now(), "manual");
  }

  private pump(): void {
    if (this.running || this.stopping) return;
    const next = this.queue.shift();
    if (!next) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    const done = this.runJob(next);
    this.running = { job: next.job, done };
    void done.then((status) => {
      this.results.push({ job: next.job.name, status });
      this.running = null;
      this.pump();
    });
  }

  /** Resolves when nothing is running or queued. */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.abort.signal.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      this.abort.signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }

  /** The data folder for one job: waits while another writer (a manual run) holds it; null when stopping meanwhile. */
  private async takeDataFolder(job: Job): Promise<OwnedLock | null> {
    if (!this.opts.writerLockPath) return null;
    const w = new OwnedLock(this.opts.writerLockPath, "the data folder", writerLockOptions());
    try {
      await w.acquireWaiting(`schedule (job ${job.name})`, {
        signal: this.abort.signal,
        onWait: (e) => this.emit({ type: "waiting-for-data-folder", job: job.name, holder: e.message }),
      });
    } catch (err) {
      if (err instanceof LockHeldError && this.stopping) return null;
      throw err;
    }
    w.startHeartbeat(() => {
      this.emit({ type: "lock-lost" });
      void this.stop("another process took the data folder's lock");
    });
    return w;
  }

  private async runJob(q: Queued): Promise<JobStatus> {
    let writer: OwnedLock | null = null;
    try {
      writer = await this.takeDataFolder(q.job);
      if (this.opts.writerLockPath && !writer) {
        this.emit({ type: "job-finished", job: q.job.name, status: "interrupted", seconds: 0 });
        return "interrupted";
      }
      return await this.runSteps(q, writer);
    } finally {
      writer?.release();
    }
  }

  private async runSteps({ job, fireAt }: Queued, writer: OwnedLock | null): Promise<JobStatus> {
    const token = writer?.held?.token;
    // The step is a member of the job's lock from its first instant: should the scheduler die before the
    // step joins, the lock is not taken over while the step lives (it then dies too: steps.ts).
    const ctx: StepContext = token ? { writerToken: token, spawned: (pid) => writer!.addMember(pid) } : {};
    const started = this.now();
    this.state.update(job.name, { lastStartedAt: started.toISOString(), running: { fireAt: fireAt.toISOString(), startedAt: started.toISOString(), step: "" } });
    const retries = job.retries ?? this.opts.schedule.retries;
    const backoffMs = (job.backoffSeconds ?? this.opts.schedule.backoffSeconds) * 1000;
    let status: JobStatus = "ok";
    let error: string | null = null;
    for (const [i, step] of job.steps.entries()) {
      if (this.stopping) { status = "interrupted"; break; }
      const name = step.join(" ");
      this.state.update(job.name, { running: { fireAt: fireAt.toISOString(), startedAt: started.toISOString(), step: name } });
      let ok = false;
      for (let attempt = 1; ; attempt++) {
        this.emit({ type: "step-started", job: job.name, step: name, attempt });
        try {
          await this.opts.runner.run(job, step, i, ctx);
          this.emit({ type: "step-ok", job: job.name, step: name, attempt });
          ok = true;
          break;
        } catch (err) {
          error = (err as Error).message ?? String(err);
          const retry = attempt <= retries && !this.stopping;
          const wait = backoffMs * 2 ** (attempt - 1);
          this.emit({ type: "step-failed", job: job.name, step: name, attempt, error, retryInMs: retry ? wait : null });
          if (!retry) break;
          await this.sleep(wait);
          if (this.stopping) break;
        }
      }
      if (!ok) { status = "failed"; break; }
    }
    const finished = this.now();
    const seconds = (finished.getTime() - started.getTime()) / 1000;
    // An interrupted run did not happen as far as catch-up is concerned: its time stays "missed".
    this.state.update(job.name, {
      ...(status !== "interrupted" ? { lastFireAt: fireAt.toISOString() } : {}),
      lastFinishedAt: finished.toISOString(), lastStatus: status, lastError: status === "ok" ? null : error ?? "stopped before the remaining steps",
      lastSeconds: seconds, runs: this.state.job(job.name).runs + 1, running: null,
    });
    this.emit({ type: "job-finished", job: job.name, status, seconds });
    return status;
  }

  /** Stop taking work; let the running step finish; skip the rest; release the lock. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return this.stopped;
    this.stopping = true;
    this.emit({ type: "stopping", reason });
    for (const t of this.tasks) t.stop();
    this.tasks = [];
    this.queue = [];
    this.abort.abort();
    if (this.running) await this.running.done;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.lock.release();
    for (const w of this.idleWaiters.splice(0)) w();
    this.emit({ type: "stopped" });
    this.stoppedResolve();
  }

  /** A second signal: kill the step under way instead of waiting for it. */
  kill(): void {
    this.opts.runner.kill?.();
  }
}
