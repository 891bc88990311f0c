/**
 * Text messages are asynchronous: nobody hangs up, a customer waits for a first response, and an
 * agent keeps several conversations going at once. The plan uses Erlang C on the first-response
 * target with a concurrency factor — the way workforce tools staff chat and messaging (NICE,
 * Calabrio and Verint all plan digital queues with a "concurrency" setting; see also G. Koole,
 * *Call Center Optimization*, 2013, on chat and e-mail): an agent working c threads at once is
 * c servers, each giving a thread 1/c of the agent, so a message holds a server for c × h seconds.
 *
 *   work A  = messages × h ÷ interval             (agents' worth of work, Erlangs)
 *   servers = smallest N with Erlang C service level (traffic c·A, service time c·h, target T) ≥ goal
 *   agents  = max(⌈N ÷ c⌉, ⌈A ÷ max occupancy⌉, minimum)
 * and the expected first-response service level, mean wait and occupancy follow with agents × c
 * servers. Messages that arrive while the business is closed queue for the next opening: they are
 * added to the first open interval (`offered`), which is what makes the morning busy.
 */
import { asaC, erlangC, serviceLevelC, trafficIntensity } from "./erlangC.ts";

export type MessageTargets = { handleSeconds: number; concurrency: number; responseShare: number; responseSeconds: number; maxOccupancy: number; minAgents: number };

export type MessagePlan = {
  agents: number;
  servers: number;
  workErlangs: number;
  serviceLevel: number;
  asaSeconds: number;
  occupancy: number;
  probWait: number;
};

export function messageStaffing(messages: number, intervalSeconds: number, t: MessageTargets, maxAgents = 10_000): MessagePlan {
  const c = t.concurrency;
  const work = trafficIntensity(messages, t.handleSeconds, intervalSeconds);
  if (messages <= 0) {
    return { agents: t.minAgents, servers: t.minAgents * c, workErlangs: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0, probWait: 0 };
  }
  const a = c * work;
  const hold = c * t.handleSeconds;
  let n = Math.max(1, Math.floor(a) + 1);
  while (serviceLevelC(n, a, hold, t.responseSeconds) < t.responseShare) {
    if (++n > maxAgents * c) throw new Error(`message staffing: no plan below ${maxAgents} agents meets the first-response target`);
  }
  const agents = Math.max(Math.ceil(n / c - 1e-12), Math.ceil(work / t.maxOccupancy - 1e-12), t.minAgents);
  // Whole agents give whole multiples of c servers; the service level is that of the servers they bring.
  const servers = Math.floor(agents * c + 1e-9);
  return {
    agents, servers, workErlangs: work,
    serviceLevel: serviceLevelC(servers, a, hold, t.responseSeconds),
    asaSeconds: asaC(servers, a, hold),
    occupancy: agents > 0 ? work / agents : 0,
    probWait: erlangC(servers, a),
  };
}
