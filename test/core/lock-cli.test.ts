/**
 * One writer per data folder, through the real `commsight` binary in child processes: two runs on one
 * folder (the second names the first and exits 2, the first finishes), a stale lock whose heartbeat
 * stopped is taken over even when its pid now belongs to another process, `--wait`, a scheduler killed
 * with SIGKILL during a step (the step dies with it; a new scheduler waits while it lives, then runs the
 * job without collision and the lake converges), and `status | head` (no EPIPE stack trace).
 *
 * Deterministic without sleeps of guessed length: a process is frozen with SIGSTOP at the point under
 * test (holding the lock, or mid-step) and let go with SIGCONT.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { OwnedLock, pidAlive } from "../../pipelines/core/lock.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { BIN, commsight, STACK } from "../helpers/cli.ts";

const work = join(projectRoot, "data", "tmp", `lock-cli-${process.pid}`);
const input = join(work, "gen", "sources", "demo");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lockOf = (data: string) => join(data, "state", "writer.lock");
const children: ChildProcess[] = [];

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function start(args: string[], env: Record<string, string> = {}) {
  const c = spawn(process.execPath, [BIN, ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(c);
  let out = "";
  c.stdout!.on("data", (b: Buffer) => { out += b.toString(); });
  c.stderr!.on("data", (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<number | null>((r) => c.on("exit", (code) => r(code)));
  return { c, pid: c.pid!, output: () => out, exited };
}

/** The ids of the calls in the input folder, read independently of the extractor. */
function inputCallIds(): Set<string> {
  const ids = new Set<string>();
  const dir = join(input, "calls");
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith(".ndjson")) continue;
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) if (line.trim()) ids.add(JSON.parse(line).id);
  }
  return ids;
}

async function landedCallIds(data: string): Promise<string[]> {
  const db = await openDb(":memory:");
  try {
    return (await rows<{ id: string }>(db, `SELECT DISTINCT id FROM read_parquet('${join(data, "lake", "raw", "calls")}/**/*.parquet')`)).map((o) => o.id);
  } finally {
    db.close();
  }
}

beforeAll(() => {
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "tiny.yaml"), "demo: { years: 0.05 }\n");
  const g = commsight(["--config", join(work, "tiny.yaml"), "--data", join(work, "gen"), "generate"]);
  expect(g.code, g.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) { try { c.kill("SIGKILL"); } catch { /* gone */ } }
  rmSync(work, { recursive: true, force: true });
});

describe("one writer per data folder", () => {
  it("a second run on a folder being written names the holder and exits 2; the first finishes", async () => {
    const data = join(work, "two-runs");
    const a = start(["--data", data, "run", "--select", "extract", "--input", input]);
    await until("the first run to hold the folder", () => OwnedLock.read(lockOf(data))?.pid === a.pid);
    await until("its extract to be under way", () => readLedger(join(data, "runs", "ledger.jsonl")).some((e) => e.stage !== "run" && e.status === "started"));
    a.c.kill("SIGSTOP"); // hold it there, mid-run, whatever the machine's speed
    try {
      const b = commsight(["--data", data, "run", "--select", "extract", "--input", input]);
      expect(b.code, b.stderr).toBe(2);
      expect(b.stderr).toMatch(new RegExp(`the data folder .*two-runs is in use: \`commsight run\` \\(pid ${a.pid} on ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT[^,]+, heartbeat \\d+ s ago\\)`));
      expect(b.stderr).toMatch(/--wait/);
      expect(b.stderr).not.toMatch(STACK);
      const other = commsight(["--data", data, "extract", "--input", input]); // any writing command, not only run
      expect(other.code, other.stderr).toBe(2);
      const status = commsight(["--data", data, "status"]); // reading is never refused
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(new RegExp(`data folder: being written by \`commsight run\` \\(pid ${a.pid} `));
    } finally {
      a.c.kill("SIGCONT");
    }
    expect(await a.exited, a.output()).toBe(0);
    expect(existsSync(lockOf(data))).toBe(false);
    const runs = readLedger(join(data, "runs", "ledger.jsonl")).filter((e) => e.stage === "run");
    expect(runs.map((e) => `${e.command} ${e.status}`)).toEqual(["run started", "run ok"]); // the refused ones never started
    expect((await landedCallIds(data)).length).toBe(inputCallIds().size);
  }, 300_000);

  it("a lock whose heartbeat stopped is taken over, even when its pid is alive (reused); a fresh one is respected", () => {
    const data = join(work, "stale");
    mkdirSync(join(data, "state"), { recursive: true });
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
    // pid 1 always runs: as after a container restart, when the dead owner's pid belongs to someone else.
    const owner = { token: "before-the-restart", command: "run", pid: 1, host: hostname(), startedAt: at(3600), members: [] };
    writeFileSync(lockOf(data), JSON.stringify({ ...owner, heartbeatAt: at(1) }));
    // Refused, also after waiting (--wait-timeout 1 gives up after a second: the heartbeat is still fresh then).
    const refused = commsight(["--data", data, "--wait-timeout", "1", "extract", "--input", input]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/is in use: `commsight run` \(pid 1 on .*; waiting for it \(--wait\)/);
    expect(refused.stderr).toMatch(/is in use: `commsight run` \(pid 1 on [^;]*\n  wait for it to finish, or pass --wait/);

    writeFileSync(lockOf(data), JSON.stringify({ ...owner, heartbeatAt: at(400) })); // default staleness: 300 s
    const took = commsight(["--data", data, "extract", "--input", input]);
    expect(took.code, took.stderr).toBe(0);
    expect(existsSync(lockOf(data))).toBe(false); // released, not left behind
  }, 300_000);
});

describe("a scheduler killed during a step", () => {
  it("takes its step with it; a new scheduler waits while the step lives, then runs the job without collision", async () => {
    const data = join(work, "sched");
    const config = join(work, "sched.yaml");
    writeFileSync(config, stringify({
      schedule: {
        jobs: [{ name: "land", cron: "0 3 1 1 *", steps: [["extract", "--input", input]] }],
        retries: 0, lock: { heartbeatSeconds: 0.5, staleSeconds: 60 },
      },
    }));
    const env = { COMMSIGHT_LOCK_HEARTBEAT_SECONDS: "0.5", COMMSIGHT_LOCK_STALE_SECONDS: "60" };
    const first = start(["--config", config, "--data", data, "schedule", "--run", "land"], env);
    const ledger = join(data, "runs", "ledger.jsonl");
    const step = await until("the step to join the job's lock", () => OwnedLock.read(lockOf(data))?.members[0]);
    await until("the step's extract to be under way", () => readLedger(ledger).some((e) => e.stage !== "run" && e.status === "started"));
    process.kill(step, "SIGSTOP"); // mid-step
    expect(readFileSync(`/proc/${step}/stat`, "utf8").split(") ")[1]!.split(" ")[1]).toBe(String(first.pid)); // the scheduler's child
    first.c.kill("SIGKILL");
    await first.exited;

    const second = start(["--config", config, "--data", data, "schedule", "--run", "land"], env);
    try {
      // The orphan still lives (frozen): the new scheduler takes the scheduler lock but waits for the data folder.
      await until("the new scheduler to wait for the data folder", () => /waiting-for-data-folder/.test(second.output()));
      expect(pidAlive(step)).toBe(true);
      expect(readLedger(ledger).filter((e) => e.stage === "run" && e.status === "started")).toHaveLength(1);
    } finally {
      process.kill(step, "SIGCONT");
    }
    // Let go, the orphan sees that its scheduler is gone and dies, before doing any more work.
    await until("the orphaned step to die", () => !pidAlive(step), 30_000);
    expect(await second.exited, second.output()).toBe(0);
    // Two step runs: the orphan's, which wrote nothing more after its scheduler died, and the new one's, ok.
    const byRun = new Map<string, string[]>();
    for (const e of readLedger(ledger).filter((e) => e.stage === "run")) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), `${e.command} ${e.status}`]);
    expect([...byRun.values()]).toEqual([["extract started"], ["extract started", "extract ok"]]);
    expect(second.output()).not.toMatch(STACK);
    expect((await landedCallIds(data)).sort()).toEqual([...inputCallIds()].sort());
    expect(existsSync(lockOf(data))).toBe(false);
    expect(existsSync(join(data, "state", "scheduler.lock"))).toBe(false);
  }, 300_000);
});

describe("stdout closed early", () => {
  it("commsight status | head: no EPIPE stack trace, exit 0", () => {
    const data = join(work, "epipe");
    mkdirSync(join(data, "runs"), { recursive: true });
    // Enough runs that the table outgrows a pipe's buffer (64 KiB) long before it is written out.
    const t = new Date().toISOString();
    const entry = (runId: string, status: string) => JSON.stringify({ runId, command: "extract", stage: "run", status, at: t, startedAt: t, endedAt: status === "ok" ? t : null, rowsIn: null, rowsOut: null, outputs: [], error: null });
    writeFileSync(join(data, "runs", "ledger.jsonl"), Array.from({ length: 3000 }, (_, i) => `${entry(`r${i}`, "started")}\n${entry(`r${i}`, "ok")}\n`).join(""));
    const r = spawnSync("bash", ["-c", `set -o pipefail; ${process.execPath} ${BIN} --data ${data} status -n 3000 | head -n 1`], { cwd: projectRoot, encoding: "utf8" });
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.status, r.stderr).toBe(0);
  }, 120_000);
});
