/**
 * `commsight schedule` as a real child process on fixture marts: its job's first step (rendering the
 * leadership report, itself a child) is under way when the scheduler gets SIGTERM; that step finishes,
 * the next never starts, the scheduler exits 0 and releases its lock. A second scheduler is refused
 * while the first runs; `schedule --run` runs a job in the foreground.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { ScheduleStateFile } from "../../pipelines/app/schedule/state.ts";
import { buildFixture, FIXTURE } from "../reports/fixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-sigterm-"));
const data = join(tmp, "data");
const cfg = join(tmp, "commsight.config.yaml");
const bin = join(import.meta.dirname, "..", "..", "pipelines", "bin", "commsight.mjs");
const state = join(data, "state", "schedule.json");
const lock = join(data, "state", "scheduler.lock");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await buildFixture(data, {});
  writeFileSync(cfg, stringify({
    business: { name: FIXTURE.business },
    schedule: {
      jobs: [
        { name: "weekly", cron: "*/2 * * * * *", steps: [["report", "--kind", "leadership", "--period", "week", "--no-deliver"], ["alerts", "run"]] },
        { name: "quick", cron: "0 3 1 1 *", steps: [["alerts", "run", "--dry-run"]] },
      ],
      lock: { heartbeatSeconds: 1, staleSeconds: 10 },
    },
  }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("commsight schedule under SIGTERM", () => {
  it("lets the running step finish, skips the rest, exits 0 and releases the lock", async () => {
    const child = spawn(process.execPath, [bin, "--config", cfg, "--data", data, "schedule"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => { out += c.toString(); });
    child.stderr.on("data", (c: Buffer) => { out += c.toString(); });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await until("the report step to start", () => ScheduleStateFile.read(state).jobs.weekly?.running?.step.startsWith("report") ?? false);
    expect(existsSync(lock)).toBe(true);

    // A second scheduler is refused while this one holds the lock.
    const refused = await main(["node", "commsight", "--config", cfg, "--data", data, "schedule", "--run", "quick"]);
    expect(refused).toBe(2);

    child.kill("SIGTERM");
    expect(await exited, out).toBe(0);
    expect(out).toContain("scheduler stopped");
    const job = ScheduleStateFile.read(state).jobs.weekly!;
    expect(job).toMatchObject({ lastStatus: "interrupted", running: null });
    const runs = readLedger(join(data, "runs", "ledger.jsonl"));
    const report = runs.filter((e) => e.command === "report" && e.stage === "run");
    expect(report.map((e) => e.status)).toEqual(["started", "ok"]); // the step under way finished
    expect(runs.some((e) => e.command === "alerts")).toBe(false); // the next step never started
    expect(existsSync(join(data, "reports", FIXTURE.weekEnd, `leadership-week-${FIXTURE.weekEnd}.pdf`))).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it("runs one job in the foreground with --run, under the lock", async () => {
    const code = await main(["node", "commsight", "--config", cfg, "--data", data, "schedule", "--run", "quick"]);
    expect(code).toBe(0);
    expect(ScheduleStateFile.read(state).jobs.quick).toMatchObject({ lastStatus: "ok", runs: 1 });
    expect(existsSync(lock)).toBe(false);
    expect(readFileSync(state, "utf8")).toContain('"weekly"');
  });
});
