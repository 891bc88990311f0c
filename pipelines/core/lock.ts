/**
 * The one lock module: a lock file holding its owner (a random token, the command, pid, host, since)
 * and a heartbeat the owner rewrites every few seconds. Used for one writer per data folder
 * (`<data>/state/writer.lock`, taken by every command that writes the folder) and one scheduler per
 * data folder (`<data>/state/scheduler.lock`).
 *
 * A lock is stale, and may be taken over, when its heartbeat has stopped for `staleMs`, or at once
 * when it is on this host and neither its owner's pid nor any member's pid is running (a crash, a
 * SIGKILL, Ctrl-C). A bare pid never keeps a lock: after a container restart the owner's pid may
 * belong to another process, and then the stopped heartbeat frees the lock.
 *
 * A process started by the owner to do part of its work (a scheduler's step) is a member: the owner
 * adds its pid as soon as it is spawned, and the step joins the lock with the owner's token
 * (COMMSIGHT_WRITER_TOKEN) and heartbeats too, so while it lives the lock stays held, and a lock
 * whose owner died is not taken over under it.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const LockOwner = z.object({
  token: z.string(),
  command: z.string().default(""),
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  /** The owner's start time as the kernel counts it (/proc/<pid>/stat field 22): with the pid, it names one process for ever, so a reused pid is told apart. */
  pidStart: z.string().optional(),
  /** Processes working under this lock with the owner's token (a scheduler's steps). */
  members: z.array(z.number().int()).default([]),
});
export type LockOwner = z.infer<typeof LockOwner>;

export type LockOptions = { staleMs: number; heartbeatMs: number; now?: () => Date };

/** Another process holds the lock and it is not stale. Exit status 2 in the CLI. */
export class LockHeldError extends Error {
  constructor(readonly path: string, readonly holder: LockOwner | null, readonly what: string, now = new Date()) {
    super(`${what} is in use: ${describeOwner(holder, now)}`);
  }
}

/** The lock this process was working under is no longer its owner's (taken over, or never there). */
export class LockLostError extends Error {}

export function describeOwner(o: LockOwner | null, now = new Date()): string {
  if (!o) return "a lock file is being written (or is unreadable); try again in a few seconds";
  const age = Math.max(0, Math.round((now.getTime() - Date.parse(o.heartbeatAt)) / 1000));
  const working = o.host === hostname() && !pidAlive(o.pid) ? o.members.filter(pidAlive) : [];
  const gone = working.length ? ` (that process is gone; pid ${working.join(", ")} it started still works under its lock)` : "";
  return `${o.command ? `\`commsight ${o.command}\`` : "a process"} (pid ${o.pid} on ${o.host}, since ${o.startedAt}, heartbeat ${age} s ago)${gone}`;
}

/** Whether a process runs (a zombie, dead but not yet reaped by its parent, does not). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2))) return false;
  } catch { /* no /proc (not Linux), or no such process: kill(0) decides */ }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, but not ours to signal
  }
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or null where /proc cannot tell. */
export function pidStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null; // field 22 overall; the slice starts at field 3
  } catch {
    return null;
  }
}

function writeReplace(path: string, owner: LockOwner): void {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  writeFileSync(tmp, JSON.stringify(owner));
  renameSync(tmp, path);
}

/** Tokens of the locks this process owns (any OwnedLock instance), so that work in this process under one is not refused. */
const ownTokens = new Set<string>();

export class OwnedLock {
  private owner: LockOwner | null = null;
  /** Joined with an inherited token: we heartbeat but do not release. */
  private joined = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;

  constructor(readonly path: string, readonly what: string, private readonly opts: LockOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  static read(path: string): LockOwner | null {
    try {
      return LockOwner.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch {
      return null;
    }
  }

  /** Why a lock may be taken over, or null while its owner looks alive. */
  staleReason(info: LockOwner | null): string | null {
    const now = this.now().getTime();
    if (!info) {
      // Unreadable: a crash between creating and writing it. Judge it by its age instead.
      let mtime: number;
      try { mtime = statSync(this.path).mtimeMs; } catch { return "gone"; }
      return now - mtime > this.opts.staleMs ? "unreadable and old" : null;
    }
    // The owner is provably the same live process (same pid, same start time): held, however late its
    // heartbeat (a stage may keep the event loop busy for long). The heartbeat decides only where this
    // cannot be proved: another host, no /proc, or a lock written without the start time.
    if (info.host === hostname() && info.pid !== process.pid && info.pidStart && pidAlive(info.pid) && pidStartTime(info.pid) === info.pidStart) return null;
    const age = now - Date.parse(info.heartbeatAt);
    if (!(age <= this.opts.staleMs)) return `no heartbeat for ${Math.round(age / 1000)} s`;
    const pids = [info.pid, ...info.members].filter((p) => p !== process.pid);
    if (info.host === hostname() && info.pid !== process.pid && !pids.some(pidAlive)) {
      return `pid ${info.pid} is not running${info.members.length ? " (nor any process it started)" : ""}`;
    }
    return null;
  }

  /** Take the lock (taking over a stale one), or throw LockHeldError. Says what was taken over, if anything. */
  acquire(command: string): { tookOver: LockOwner | null; reason: string | null } {
    mkdirSync(dirname(this.path), { recursive: true });
    let tookOver: LockOwner | null = null;
    let why: string | null = null;
    for (let tries = 0; tries < 5; tries++) {
      const at = this.now().toISOString();
      const owner: LockOwner = { token: randomUUID(), command, pid: process.pid, host: hostname(), startedAt: at, heartbeatAt: at, members: [], pidStart: pidStartTime(process.pid) ?? undefined };
      try {
        // O_EXCL: of two processes starting together, exactly one creates the file.
        const fd = openSync(this.path, "wx");
        try {
          writeSync(fd, JSON.stringify(owner));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.owner = owner;
        this.joined = false;
        ownTokens.add(owner.token);
        return { tookOver, reason: why };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") { mkdirSync(dirname(this.path), { recursive: true }); continue; } // its folder was just removed by a releasing holder
        if (code !== "EEXIST") throw err;
      }
      const holder = OwnedLock.read(this.path);
      const reason = this.staleReason(holder);
      if (!reason) throw new LockHeldError(this.path, holder, this.what, this.now());
      // Move the stale lock aside (rename is atomic: of two contenders only one moves a given file), and
      // check that what moved is the stale lock judged above, not a fresh one a faster contender just made.
      const aside = `${this.path}.stale-${process.pid}-${randomUUID().slice(0, 8)}`;
      try {
        renameSync(this.path, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        continue;
      }
      const moved = OwnedLock.read(aside);
      if (moved && moved.token !== holder?.token) {
        try { linkSync(aside, this.path); } catch { /* someone else holds it now: the next try says who */ }
      } else {
        tookOver = holder;
        why = reason;
      }
      rmSync(aside, { force: true });
    }
    throw new LockHeldError(this.path, OwnedLock.read(this.path), this.what, this.now());
  }

  /** acquire(), polling until the lock frees (or `timeoutMs` passes, then LockHeldError). */
  async acquireWaiting(command: string, o: { timeoutMs?: number; pollMs?: number; onWait?: (e: LockHeldError) => void; signal?: AbortSignal } = {}) {
    const end = o.timeoutMs === undefined ? Infinity : Date.now() + o.timeoutMs;
    let told = false;
    for (;;) {
      try {
        return this.acquire(command);
      } catch (err) {
        if (!(err instanceof LockHeldError) || Date.now() >= end || o.signal?.aborted) throw err;
        if (!told) { o.onWait?.(err); told = true; }
      }
      await new Promise((r) => setTimeout(r, Math.min(o.pollMs ?? 500, Math.max(0, end - Date.now()))));
    }
  }

  /** Work under a lock another process owns, with its token: heartbeat it as a member. */
  join(token: string): LockOwner {
    const current = OwnedLock.read(this.path);
    if (!current || current.token !== token) {
      throw new LockLostError(`${this.what}: the lock this process was started under is no longer held by its owner${current ? ` (now held by ${describeOwner(current, this.now())})` : ""}`);
    }
    this.owner = current;
    this.joined = true;
    if (!this.heartbeat()) throw new LockLostError(`${this.what}: the lock changed hands while joining it`);
    return current;
  }

  /** The owner records a process it has just started to work under its lock (before that one joins). */
  addMember(pid: number): void {
    const current = this.owner ? OwnedLock.read(this.path) : null;
    if (!current || current.token !== this.owner!.token || current.members.includes(pid)) return;
    writeReplace(this.path, { ...current, members: [...current.members, pid] });
  }

  /** Rewrite the heartbeat (and our membership); false when the lock is no longer ours. */
  heartbeat(): boolean {
    if (!this.owner) return false;
    const current = OwnedLock.read(this.path);
    if (!current || current.token !== this.owner.token) return false;
    const members = this.joined ? [...new Set([...current.members.filter(pidAlive), process.pid])] : current.members.filter(pidAlive);
    try {
      writeReplace(this.path, { ...current, members, heartbeatAt: this.now().toISOString() });
    } catch {
      return true; // a full disk or a race with another member: try again next time
    }
    return true;
  }

  /** Heartbeat every heartbeatMs (not keeping the process alive); `onLost` when the lock is no longer ours. */
  startHeartbeat(onLost: () => void): void {
    this.stopHeartbeat();
    this.timer = setInterval(() => { if (!this.heartbeat()) { this.stopHeartbeat(); onLost(); } }, this.opts.heartbeatMs);
    this.timer.unref();
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Remove the lock if it is still ours (a member only leaves the members). */
  release(): void {
    this.stopHeartbeat();
    const mine = this.owner;
    this.owner = null;
    if (!mine) return;
    if (!this.joined) ownTokens.delete(mine.token);
    const current = OwnedLock.read(this.path);
    if (current?.token !== mine.token) return;
    if (this.joined) {
      try { writeReplace(this.path, { ...current, members: current.members.filter((p) => p !== process.pid) }); } catch { /* left for pidAlive */ }
      return;
    }
    rmSync(this.path, { force: true });
  }

  get held(): LockOwner | null {
    return this.owner;
  }
}

// ---------------------------------------------------------------------------------------------------
// One writer per data folder.

/** The environment a writer's helper processes get: the token to join with, and the pid to die with. */
export const WRITER_TOKEN_ENV = "COMMSIGHT_WRITER_TOKEN";
export const PARENT_PID_ENV = "COMMSIGHT_PARENT_PID";

export function writerLockPath(dataDir: string): string {
  return join(dataDir, "state", "writer.lock");
}

/** Timing of the writer lock: COMMSIGHT_LOCK_HEARTBEAT_SECONDS (default 5) and COMMSIGHT_LOCK_STALE_SECONDS (default 300: a stage may keep the event loop busy for a while, and a crash on this host frees the lock at once anyway). */
export function writerLockOptions(env: NodeJS.ProcessEnv = process.env): LockOptions {
  const num = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);
  return { heartbeatMs: num(env.COMMSIGHT_LOCK_HEARTBEAT_SECONDS, 5) * 1000, staleMs: num(env.COMMSIGHT_LOCK_STALE_SECONDS, 300) * 1000 };
}

export function writerLock(dataDir: string): OwnedLock {
  return new OwnedLock(writerLockPath(dataDir), `the data folder ${dataDir}`, writerLockOptions());
}

/** Writer locks this process holds or has joined, by path, with how many takers (it is reentrant). */
const held = new Map<string, { lock: OwnedLock; count: number; made: string | undefined }>();

export type TakeOptions = { wait?: boolean | number; onWait?: (e: LockHeldError) => void; onLost?: (e: LockLostError) => void };

/**
 * Take the data folder for writing (reentrant within a process), or join it when this process was
 * started with its owner's token. Returns the release. Throws LockHeldError when another process
 * writes the folder (after waiting, with `wait`: true for ever, or a number of seconds).
 */
export async function takeDataFolder(dataDir: string, command: string, o: TakeOptions = {}): Promise<() => void> {
  const path = writerLockPath(dataDir);
  // A command that finds nothing to do must leave no trace: folders made only to hold the lock are removed with it.
  const made = mkdirSync(dirname(path), { recursive: true });
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return once(() => drop(path));
  }
  const current = OwnedLock.read(path);
  if (current && current.pid === process.pid && ownTokens.has(current.token)) return () => {}; // held by this process already (a scheduler running a step in-process)
  const lock = writerLock(dataDir);
  const token = process.env[WRITER_TOKEN_ENV];
  try {
    if (token) lock.join(token); // a step of a scheduler: works under its lock, or not at all
    else if (o.wait) await lock.acquireWaiting(command, { timeoutMs: typeof o.wait === "number" ? o.wait * 1000 : undefined, onWait: o.onWait });
    else lock.acquire(command);
  } catch (err) {
    removeIfEmpty(path, made);
    throw err;
  }
  lock.startHeartbeat(() => {
    const e = new LockLostError(`${lock.what}: this process's lock was taken over (its heartbeat was late by more than ${writerLockOptions().staleMs / 1000} s)`);
    if (o.onLost) o.onLost(e);
  });
  held.set(path, { lock, count: 1, made });
  return once(() => drop(path));
}

function drop(path: string): void {
  const h = held.get(path);
  if (!h || --h.count > 0) return;
  held.delete(path);
  h.lock.release();
  removeIfEmpty(path, h.made);
}

/** Remove the lock's folder, and the ones above it up to `made` (the first one mkdir created), while empty. */
function removeIfEmpty(lockPath: string, made: string | undefined): void {
  if (!made) return;
  for (let dir = dirname(lockPath); dir.startsWith(made); dir = dirname(dir)) {
    try { rmdirSync(dir); } catch { return; } // not empty (the command wrote something), or gone
    if (dir === made) return;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => { if (!done) { done = true; fn(); } };
}

/** Release every writer lock this process holds (the CLI's last word, also on errors). */
export function releaseAllWriters(): void {
  for (const [path, h] of held) {
    held.delete(path);
    h.lock.release();
    removeIfEmpty(path, h.made);
  }
}

/**
 * A scheduler's step dies with its scheduler: when the parent pid given in the environment is no
 * longer this process's parent (it died, even by SIGKILL, and we were re-parented), the step kills
 * its own process group (itself and, say, the Chromium it started). Checked every `everyMs`.
 */
export function dieWithParent(env: NodeJS.ProcessEnv = process.env, everyMs = 300, say: (line: string) => void = () => {}): void {
  const parent = Number(env[PARENT_PID_ENV]);
  if (!parent) return;
  const check = () => {
    if (process.ppid === parent) return;
    say(`commsight: the scheduler (pid ${parent}) that started this step is gone; stopping\n`);
    try { process.kill(-process.pid, "SIGKILL"); } catch { /* not a group leader */ }
    process.kill(process.pid, "SIGKILL");
  };
  check();
  setInterval(check, everyMs).unref();
}
