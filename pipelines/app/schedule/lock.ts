/**
 * One scheduler at a time: data/state/scheduler.lock holds the owner's pid, host, a random token and a
 * heartbeat the owner rewrites every few seconds. A lock is taken over when its heartbeat is older than
 * staleSeconds, or at once when its pid is on this host and no longer alive — so a crashed (SIGKILLed,
 * powered-off) scheduler cannot hold it for ever. The owner checks its token at every heartbeat and
 * stops if another instance has taken the lock.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const LockInfo = z.object({
  pid: z.number().int(),
  host: z.string(),
  token: z.string(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
});
export type LockInfo = z.infer<typeof LockInfo>;

export class LockHeldError extends Error {
  constructor(readonly holder: LockInfo) {
    super(`another scheduler holds the lock: pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}, last heartbeat ${holder.heartbeatAt}`);
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, but not ours to signal
  }
}

export type LockOptions = { staleMs: number; now?: () => Date };

export class SchedulerLock {
  private info: LockInfo | null = null;
  private readonly now: () => Date;

  constructor(readonly path: string, private readonly opts: LockOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  static read(path: string): LockInfo | null {
    try {
      return LockInfo.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch {
      return null;
    }
  }

  /** Why a lock may be taken over, or null when its owner looks alive. */
  staleReason(info: LockInfo | null): string | null {
    if (!info) {
      // Unreadable: a crash between creating and writing it. Judge it by its age instead.
      const age = existsSync(this.path) ? this.now().getTime() - statSync(this.path).mtimeMs : Infinity;
      return age > this.opts.staleMs ? "unreadable and old" : null;
    }
    if (info.host === hostname() && info.pid !== process.pid && !pidAlive(info.pid)) return `pid ${info.pid} is not running`;
    const age = this.now().getTime() - Date.parse(info.heartbeatAt);
    return age > this.opts.staleMs ? `no heartbeat for ${Math.round(age / 1000)} s` : null;
  }

  /** Take the lock (taking over a stale one), or throw LockHeldError. Says what was taken over, if anything. */
  acquire(): { tookOver: LockInfo | null; reason: string | null } {
    mkdirSync(dirname(this.path), { recursive: true });
    let tookOver: LockInfo | null = null;
    let why: string | null = null;
    for (let tries = 0; tries < 3; tries++) {
      const now = this.now().toISOString();
      const info: LockInfo = { pid: process.pid, host: hostname(), token: randomUUID(), startedAt: now, heartbeatAt: now };
      try {
        // O_EXCL: of two schedulers starting together, exactly one creates the file.
        const fd = openSync(this.path, "wx");
        try {
          writeSync(fd, JSON.stringify(info));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.info = info;
        return { tookOver, reason: why };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = SchedulerLock.read(this.path);
      const reason = this.staleReason(holder);
      if (!reason) throw new LockHeldError(holder ?? { pid: -1, host: "unknown", token: "", startedAt: "unknown", heartbeatAt: "being written" });
      // Move the stale lock aside (rename is atomic: of two contenders only one moves it), then try O_EXCL again.
      const aside = `${this.path}.stale-${process.pid}`;
      try {
        renameSync(this.path, aside);
        rmSync(aside, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      tookOver = holder;
      why = reason;
    }
    throw new Error(`could not take the scheduler lock ${this.path}`);
  }

  /** Rewrite the heartbeat; false when the lock is no longer ours (taken over while we were stalled). */
  heartbeat(): boolean {
    if (!this.info) return false;
    const current = SchedulerLock.read(this.path);
    if (!current || current.token !== this.info.token) return false;
    this.info = { ...this.info, heartbeatAt: this.now().toISOString() };
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.info));
    renameSync(tmp, this.path);
    return true;
  }

  /** Remove the lock if it is still ours. */
  release(): void {
    if (!this.info) return;
    const current = SchedulerLock.read(this.path);
    if (current?.token === this.info.token) rmSync(this.path, { force: true });
    this.info = null;
  }

  get held(): LockInfo | null {
    return this.info;
  }
}
