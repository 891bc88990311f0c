/**
 * The staffing plan of one interval: agents on the phones for the target service level (Erlang C;
 * Erlang A too when the line's patience is known), for the point forecast and for the upper end of
 * its 80% interval, and the agents to schedule once shrinkage is allowed for.
 */
import type { StaffingConfig } from "./config.ts";
import { requiredAgentsA } from "./erlangA.ts";
import { requiredAgentsC, scheduledFor } from "./erlangC.ts";

export type IntervalDemand = { calls: number; upper80: number; ahtSeconds: number; patienceSeconds: number | null };

export type IntervalPlan = {
  agentsNeeded: number;
  agentsNeededUpper80: number;
  agentsErlangA: number | null;
  scheduled: number;
  /** Expected service level and occupancy with the agents the schedule is built from. */
  serviceLevel: number;
  occupancy: number;
  probAbandon: number | null;
};

export function planInterval(d: IntervalDemand, intervalSeconds: number, cfg: StaffingConfig): IntervalPlan {
  const targets = { serviceLevel: cfg.targetServiceLevel, seconds: cfg.targetSeconds, maxOccupancy: cfg.maxOccupancy };
  const staffCalls = cfg.staffTo === "upper80" ? d.upper80 : d.calls;
  const c = requiredAgentsC(d.calls, d.ahtSeconds, intervalSeconds, targets);
  const cUpper = requiredAgentsC(d.upper80, d.ahtSeconds, intervalSeconds, targets);
  const cStaff = cfg.staffTo === "upper80" ? cUpper : c;
  const a = d.patienceSeconds !== null ? requiredAgentsA(staffCalls, d.ahtSeconds, intervalSeconds, d.patienceSeconds, targets) : null;
  const useA = cfg.method === "erlang_a" && a !== null;
  const agents = useA ? a.agents : cStaff.agents;
  return {
    agentsNeeded: c.agents,
    agentsNeededUpper80: cUpper.agents,
    agentsErlangA: a?.agents ?? null,
    scheduled: scheduledFor(agents, cfg.shrinkage),
    serviceLevel: useA ? a.serviceLevel : cStaff.serviceLevel,
    occupancy: useA ? a.occupancy : cStaff.occupancy,
    probAbandon: a?.probAbandon ?? null,
  };
}
