import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeDataset } from "./dataset.ts";
import { startFake, type Fake } from "./fake.ts";
import { API_KEY, dataDir, extract, lakeSnapshot } from "./helpers.ts";

const root = join(import.meta.dirname, "..", "..");
let fakes: Fake[] = [];
afterEach(async () => { await Promise.all(fakes.map((f) => f.close())); fakes = []; });

describe("a killed OpenPhone extract, rerun, gives the same lake as an uninterrupted one", () => {
  it("SIGKILL mid-walk (child process), then a rerun", async () => {
    const ds = makeDataset([4, 3, 2]);
    const whole = await startFake(ds, API_KEY);
    fakes.push(whole);
    const a = dataDir("op-whole-");
    await extract(a, whole.url);
    const expected = await lakeSnapshot(a);
    expect(expected.calls).toHaveLength(ds.calls.length);

    const b = dataDir("op-killed-");
    let killAt = 0;
    let child: ReturnType<typeof spawn> | null = null;
    const killed = await startFake(ds, API_KEY, { onRequest: (n) => { if (n === 24) { killAt = n; child?.kill("SIGKILL"); } } });
    fakes.push(killed);
    child = spawn(process.execPath, [join(root, "pipelines/bin/commsight.mjs"), "--data", b.data, "extract", "--source", "openphone", "--base-url", killed.url, "--timeout", "400"], {
      env: { ...process.env, OPENPHONE_API_KEY: API_KEY, COMMSIGHT_LOOPBACK_ONLY: "1" }, stdio: "ignore",
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child!.on("exit", (_code, sig) => resolve(sig)));
    expect(signal).toBe("SIGKILL");
    expect(killAt).toBe(24);
    // It had landed pages and moved its checkpoint, but never committed to the lake.
    expect(existsSync(join(b.data, "state", "openphone.json"))).toBe(true);
    expect(readdirSync(join(b.data, "landing", "openphone")).length).toBeGreaterThan(0);
    expect(existsSync(join(b.raw, "calls"))).toBe(false);

    const rerun = await extract(b, killed.url);
    expect(rerun.complete).toBe(true);
    expect(await lakeSnapshot(b)).toEqual(expected);
    // The rerun resumed: it did not walk everything again.
    expect(killed.arrivals.length).toBeLessThan(whole.arrivals.length + 8);
    expect(killed.maxPerWindow(1000)).toBeLessThanOrEqual(10);
  });

  it("a crash after the lake commit but before the landing zone is marked consumed changes nothing", async () => {
    const ds = makeDataset([3, 2]);
    const fake = await startFake(ds, API_KEY);
    fakes.push(fake);
    const a = dataDir("op-once-");
    await extract(a, fake.url);
    const expected = await lakeSnapshot(a);
    const b = dataDir("op-crash-");
    await expect(extract(b, fake.url, { hooks: { beforeConsume: () => { throw new Error("crash before consume"); } } })).rejects.toThrow(/crash before consume/);
    // The records are in the lake already, and still in the landing zone: the rerun merges them again.
    expect((await lakeSnapshot(b)).calls).toHaveLength(ds.calls.length);
    const again = await extract(b, fake.url);
    expect(await lakeSnapshot(b)).toEqual(expected);
    expect(again.entities.find((e) => e.entity === "calls")).toMatchObject({ landed: 0, updated: 0 });
  });
});
