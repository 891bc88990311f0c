import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { erlangA, requiredAgentsA } from "../../models/staffing/erlangA.ts";
import { erlangC, requiredAgentsC, serviceLevelC } from "../../models/staffing/erlangC.ts";
import { planInterval } from "../../models/staffing/plan.ts";
import { simulateQueue } from "../helpers/queueSim.ts";

const PEER = `${import.meta.dirname}/../../../shared/peers/erlang_c.py`;

describe("Erlang C", () => {
  it("reproduces the worked example: 100 calls / 30 min, 180 s, 80% in 20 s, 85% occupancy, 30% shrinkage", () => {
    const r = requiredAgentsC(100, 180, 1800, { serviceLevel: 0.8, seconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 });
    expect(r.trafficErlangs).toBe(10);
    expect(r.agents).toBe(14);
    expect(r.scheduled).toBe(20);
    expect(r.binding).toBe("service_level");
    expect(r.serviceLevel.toFixed(3)).toBe("0.888");
    expect(r.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(r.asaSeconds).toBeCloseTo(7.84, 2);
    expect(r.occupancy).toBeCloseTo(0.714, 3);
    expect(serviceLevelC(13, 10, 180, 20)).toBeCloseTo(0.7956, 4); // one fewer misses the target
  });

  it("agrees with closed forms (M/M/1, M/M/2) and handles no traffic and overload", () => {
    for (const rho of [0.3, 0.75, 0.9]) expect(erlangC(1, rho)).toBeCloseTo(rho, 12);
    for (const a of [0.5, 1, 1.6]) expect(erlangC(2, a)).toBeCloseTo((a * a) / (2 + a), 12);
    expect(requiredAgentsC(0, 180, 1800, { serviceLevel: 0.8, seconds: 20 })).toMatchObject({ agents: 0, binding: "no_traffic", scheduled: 0 });
    expect(erlangC(5, 6)).toBe(1);
    // A low-traffic interval is bound by the occupancy cap only when it binds.
    const busy = requiredAgentsC(1000, 300, 1800, { serviceLevel: 0.5, seconds: 60, maxOccupancy: 0.85 });
    expect(busy.binding).toBe("max_occupancy");
    expect(busy.agents).toBe(Math.ceil(1000 * 300 / 1800 / 0.85));
  });

  const havePeer = existsSync(PEER);
  it.skipIf(!havePeer)(`matches the reference peer erlang_c.py on every half-hour of a day${havePeer ? "" : " (skipped: ../shared/peers/erlang_c.py is absent)"}`, () => {
    const day = Array.from({ length: 24 }, (_, k) => Math.round(20 + 180 * Math.exp(-(((k - 6) / 4) ** 2)) + 120 * Math.exp(-(((k - 14) / 3) ** 2))));
    for (const calls of day) {
      const aht = 150 + (calls % 7) * 20;
      const peer = JSON.parse(execFileSync("python3", [PEER, "--calls", String(calls), "--aht", String(aht), "--max-occupancy", "0.85", "--shrinkage", "0.30"], { encoding: "utf8" })).result;
      const ours = requiredAgentsC(calls, aht, 1800, { serviceLevel: 0.8, seconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 });
      expect(ours.agents, `calls ${calls}`).toBe(peer.agents);
      expect(ours.scheduled).toBe(peer.scheduled_agents_with_shrinkage);
      expect(ours.serviceLevel).toBeCloseTo(peer.service_level, 12);
      expect(ours.asaSeconds).toBeCloseTo(peer.asa_seconds, 9);
    }
  });
});

describe("Erlang A", () => {
  it("tends to Erlang C as patience grows", () => {
    for (const n of [11, 13, 14, 16]) {
      const a = erlangA(n, 100, 1800, 180, 1e9, 20);
      expect(a.serviceLevel).toBeCloseTo(serviceLevelC(n, 10, 180, 20), 5);
      expect(a.probWait).toBeCloseTo(erlangC(n, 10), 5);
    }
  });

  it("agrees with a queue simulation, and needs fewer agents than Erlang C when callers give up", () => {
    for (const n of [9, 12]) {
      const a = erlangA(n, 100, 1800, 180, 240, 20);
      const sim = simulateQueue(n, 100, 1800, 180, 240, 20, 400_000, 11 + n);
      expect(Math.abs(a.serviceLevel - sim.serviceLevel), `n=${n} SL ${a.serviceLevel} vs ${sim.serviceLevel}`).toBeLessThan(0.01);
      expect(Math.abs(a.probAbandon - sim.probAbandon), `n=${n} abandon ${a.probAbandon} vs ${sim.probAbandon}`).toBeLessThan(0.006);
    }
    const a = requiredAgentsA(100, 180, 1800, 240, { serviceLevel: 0.8, seconds: 20, maxOccupancy: 0.85 });
    expect(a.agents).toBeLessThanOrEqual(14);
    expect(a.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(a.occupancy).toBeLessThanOrEqual(0.85);
  });
});

describe("an interval's plan", () => {
  const cfg = parseConfig({}).models.staffing;

  it("uses the defaults of the worked example", () => {
    expect(cfg).toMatchObject({ intervalMinutes: 30, targetServiceLevel: 0.8, targetSeconds: 20, maxOccupancy: 0.85, shrinkage: 0.3, method: "erlang_c", staffTo: "forecast" });
    const p = planInterval({ calls: 100, upper80: 120, ahtSeconds: 180, patienceSeconds: null }, 1800, cfg);
    expect(p).toMatchObject({ agentsNeeded: 14, scheduled: 20, agentsErlangA: null, probAbandon: null });
    expect(p.agentsNeededUpper80).toBeGreaterThan(14);
  });

  it("staffs to the upper bound or with Erlang A when configured", () => {
    const upper = planInterval({ calls: 100, upper80: 120, ahtSeconds: 180, patienceSeconds: 240 }, 1800, { ...cfg, staffTo: "upper80" });
    expect(upper.scheduled).toBe(Math.ceil(upper.agentsNeededUpper80 / 0.7 - 1e-9));
    const a = planInterval({ calls: 100, upper80: 120, ahtSeconds: 180, patienceSeconds: 240 }, 1800, { ...cfg, method: "erlang_a" });
    expect(a.agentsErlangA).not.toBeNull();
    expect(a.scheduled).toBe(Math.ceil(a.agentsErlangA! / 0.7 - 1e-9));
    expect(a.probAbandon).toBeGreaterThan(0);
  });

  it("rejects a bad staffing config naming the key", () => {
    expect(() => parseConfig({ models: { staffing: { intervalMinutes: 20 } } })).toThrow(/models\.staffing\.intervalMinutes/);
    expect(() => parseConfig({ models: { staffing: { shrinkage: 1.2 } } })).toThrow(/models\.staffing\.shrinkage/);
  });
});
