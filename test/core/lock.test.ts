/**
 * The lock module in-process: reentrant within a process, joining with the owner's token (and refusing
 * a wrong one), members keeping a dead owner's lock held, the holder noticing a takeover, and waiting.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LockHeldError, LockLostError, OwnedLock, pidAlive, pidStartTime, takeDataFolder, WRITER_TOKEN_ENV, writerLockPath } from "../../pipelines/core/lock.ts";
import { tmpDir } from "../helpers/records.ts";

const opts = { staleMs: 60_000, heartbeatMs: 50 };
const iso = (msAgo = 0) => new Date(Date.now() - msAgo).toISOString();
afterEach(() => { delete process.env[WRITER_TOKEN_ENV]; });

describe("the data folder's writer lock", () => {
  it("is reentrant within a process and released by the last taker", async () => {
    const data = tmpDir("lock-");
    const outer = await takeDataFolder(data, "run");
    const inner = await takeDataFolder(data, "extract"); // withLake inside `run`
    expect(OwnedLock.read(writerLockPath(data))).toMatchObject({ command: "run", pid: process.pid, host: hostname() });
    inner();
    inner(); // a release is idempotent
    expect(existsSync(writerLockPath(data))).toBe(true);
    outer();
    expect(existsSync(writerLockPath(data))).toBe(false);
    // Held by another lock object of this process (a scheduler's job, its step run in-process): work goes on under it.
    const job = new OwnedLock(writerLockPath(data), "the data folder", opts);
    job.acquire("schedule (job nightly)");
    (await takeDataFolder(data, "extract"))();
    expect(OwnedLock.read(writerLockPath(data))).toMatchObject({ command: "schedule (job nightly)" });
    job.release();
    expect(existsSync(writerLockPath(data))).toBe(false);
  });

  it("a command that finds nothing to do leaves no trace: folders made only for the lock go with it", async () => {
    const data = join(tmpDir("lock-"), "fresh", "data");
    (await takeDataFolder(data, "transform"))();
    expect(existsSync(join(data, ".."))).toBe(false);
    const release = await takeDataFolder(data, "extract");
    mkdirSync(join(data, "lake")); // the command wrote something: the data folder stays
    release();
    expect(existsSync(join(data, "lake"))).toBe(true);
    expect(existsSync(join(data, "state"))).toBe(false);
  });

  it("a process started with the owner's token joins the lock; a wrong or stale token is refused, naming the holder", async () => {
    const data = tmpDir("lock-");
    mkdirSync(join(data, "state"), { recursive: true });
    writeFileSync(writerLockPath(data), JSON.stringify({ token: "T", command: "schedule (job nightly)", pid: process.ppid, host: hostname(), startedAt: iso(), heartbeatAt: iso(), members: [] }));
    process.env[WRITER_TOKEN_ENV] = "not-T";
    await expect(takeDataFolder(data, "extract")).rejects.toThrow(LockLostError);
    await expect(takeDataFolder(data, "extract")).rejects.toThrow(/now held by `commsight schedule \(job nightly\)`/);
    process.env[WRITER_TOKEN_ENV] = "T";
    const release = await takeDataFolder(data, "extract");
    expect(OwnedLock.read(writerLockPath(data))!.members).toEqual([process.pid]);
    release();
    expect(OwnedLock.read(writerLockPath(data))).toMatchObject({ token: "T", members: [] }); // a member leaves; the lock stays its owner's
  });

  it("a dead owner's lock stays held while a process it started lives, and is taken over once none does", () => {
    const path = join(tmpDir("lock-"), "x.lock");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const child = spawn("sleep", ["30"]);
    try {
      writeFileSync(path, JSON.stringify({ token: "T", command: "schedule", pid: dead, host: hostname(), startedAt: iso(), heartbeatAt: iso(), members: [child.pid] }));
      const l = new OwnedLock(path, "the lock", opts);
      expect(() => l.acquire("run")).toThrow(LockHeldError);
      expect(() => l.acquire("run")).toThrow(new RegExp(`pid ${child.pid} it started still works under its lock`));
      child.kill("SIGKILL");
      spawnSync("sleep", ["0.2"]);
      expect(l.acquire("run")).toMatchObject({ tookOver: { token: "T" }, reason: `pid ${dead} is not running (nor any process it started)` });
      l.release();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("a live owner provably the same process (pid and start time) keeps its lock however late its heartbeat; a reused pid does not", () => {
    const path = join(tmpDir("lock-"), "x.lock");
    const owner = spawn("sleep", ["30"]);
    try {
      const start = pidStartTime(owner.pid!);
      expect(start).toMatch(/^\d+$/);
      const stale = iso(3_600_000); // an hour without a heartbeat: a stage blocking the event loop
      writeFileSync(path, JSON.stringify({ token: "T", command: "train", pid: owner.pid, host: hostname(), startedAt: stale, heartbeatAt: stale, members: [], pidStart: start }));
      const l = new OwnedLock(path, "the lock", opts);
      expect(() => l.acquire("run")).toThrow(LockHeldError);
      // The same pid with another start time is another process (a pid reused after a restart): the stopped heartbeat frees it.
      writeFileSync(path, JSON.stringify({ token: "U", command: "train", pid: owner.pid, host: hostname(), startedAt: stale, heartbeatAt: stale, members: [], pidStart: String(Number(start) + 1) }));
      expect(l.acquire("run")).toMatchObject({ tookOver: { token: "U" }, reason: expect.stringMatching(/^no heartbeat for \d+ s$/) });
      expect(OwnedLock.read(path)!.pidStart).toBe(pidStartTime(process.pid));
      l.release();
    } finally {
      owner.kill("SIGKILL");
    }
  });

  it("the holder notices a takeover at its next heartbeat; release leaves the new holder's lock alone", async () => {
    const path = join(tmpDir("lock-"), "x.lock");
    const l = new OwnedLock(path, "the lock", opts);
    l.acquire("run");
    const before = OwnedLock.read(path)!.heartbeatAt;
    await new Promise((r) => setTimeout(r, 80));
    expect(l.heartbeat()).toBe(true);
    expect(OwnedLock.read(path)!.heartbeatAt > before).toBe(true);
    let lost = false;
    l.startHeartbeat(() => { lost = true; });
    writeFileSync(path, JSON.stringify({ ...OwnedLock.read(path)!, token: "someone-else" }));
    await new Promise((r) => setTimeout(r, 200));
    expect(lost).toBe(true);
    l.release();
    expect(OwnedLock.read(path)?.token).toBe("someone-else");
  });

  it("waits with a timeout, then says who holds it; takes it when it frees", async () => {
    const path = join(tmpDir("lock-"), "x.lock");
    writeFileSync(path, JSON.stringify({ token: "T", command: "run", pid: process.ppid, host: hostname(), startedAt: iso(), heartbeatAt: iso(), members: [] }));
    const l = new OwnedLock(path, "the lock", opts);
    let told = 0;
    const t0 = Date.now();
    await expect(l.acquireWaiting("extract", { timeoutMs: 300, pollMs: 50, onWait: () => { told++; } })).rejects.toThrow(/`commsight run` \(pid \d+ on /);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(told).toBe(1);
    setTimeout(() => writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), heartbeatAt: iso(600_000) })), 100); // its heartbeat stopped 10 min ago
    await expect(l.acquireWaiting("extract", { timeoutMs: 5000, pollMs: 50 })).resolves.toMatchObject({ tookOver: { token: "T" } });
    l.release();
    expect(pidAlive(process.pid)).toBe(true);
  });
});
