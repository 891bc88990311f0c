/**
 * The staffing plan of one open interval of a call queue: agents on the phones for the target
 * service level (Erlang C; Erlang A too when the line's patience is known), for the point forecast
 * and for the upper end of its 80% interval, at least `minAgents`, and the agents to schedule once
 * shrinkage is allowed for. Service level, ASA, occupancy and abandonment are those the agents the
 * schedule is built from achieve.
 */
import type { StaffingConfig } from "./config.ts";
import { erlangA, requiredAgentsA } from "./erlangA.ts";
import { asaC, requiredAgentsC, scheduledFor, serviceLevelC, trafficIntensity } from "./erlangC.ts";

export type IntervalDemand = { calls: number; upper80: number; ahtSeconds: number; patienceSeconds: number | null };

export type IntervalPlan = {
  agentsNeeded: number;
  agentsNeededUpper80: number;
  agentsErlangA: number | null;
  /** Agents the schedule is built from (method, staffTo, minimum). */
  agents: number;
  scheduled: number;
  /** Expected with `agents`. */
  serviceLevel: number;
  asaSeconds: number;
  occupancy: number;
  probAbandon: number | null;
  workErlangs: number;
};

type PlanConfig = Pick<StaffingConfig, "targetServiceLevel" | "targetSeconds" | "maxOccupancy" | "shrinkage" | "method" | "staffTo"> & { minAgents?: number };

export function planInterval(d: IntervalDemand, intervalSeconds: number, cfg: PlanConfig): IntervalPlan {
  const targets = { serviceLevel: cfg.targetServiceLevel, seconds: cfg.targetSeconds, maxOccupancy: cfg.maxOccupancy };
  const staffCalls = cfg.staffTo === "upper80" ? d.upper80 : d.calls;
  const c = requiredAgentsC(d.calls, d.ahtSeconds, intervalSeconds, targets);
  const cUpper = requiredAgentsC(d.upper80, d.ahtSeconds, intervalSeconds, targets);
  const cStaff = cfg.staffTo === "upper80" ? cUpper : c;
  const a = d.patienceSeconds !== null ? requiredAgentsA(staffCalls, d.ahtSeconds, intervalSeconds, d.patienceSeconds, targets) : null;
  const useA = cfg.method === "erlang_a" && a !== null;
  const agents = Math.max(useA ? a.agents : cStaff.agents, cfg.minAgents ?? 0);
  const load = trafficIntensity(staffCalls, d.ahtSeconds, intervalSeconds);
  const withA = d.patienceSeconds !== null ? erlangA(agents, staffCalls, intervalSeconds, d.ahtSeconds, d.patienceSeconds, cfg.targetSeconds) : null;
  return {
    agentsNeeded: c.agents,
    agentsNeededUpper80: cUpper.agents,
    agentsErlangA: a?.agents ?? null,
    agents,
    scheduled: scheduledFor(agents, cfg.shrinkage),
    serviceLevel: useA ? withA!.serviceLevel : serviceLevelC(agents, load, d.ahtSeconds, cfg.targetSeconds),
    asaSeconds: load > 0 ? asaC(agents, load, d.ahtSeconds) : 0,
    occupancy: useA ? withA!.occupancy : agents > 0 ? load / agents : 0,
    probAbandon: withA ? withA.probAbandon : null,
    workErlangs: load,
  };
}
