/**
 * One call through the phone system: IVR menus, queues, transfers, voicemail and hang-up, as
 * call-flow events plus the timing and outcome the `Call` record is built from.
 */
import { Calendar, iso } from "./calendar.ts";
import type { Rng } from "./rng.ts";
import { DEMO_TOPICS, LINE_NAMES, TOPIC_INDEX, type LineName, type TopicId } from "./topics.ts";
import type { Agent, Line } from "./types.ts";

export const MAIN_MENU = { menu: "main", drop: 0.04 };
export const SUBMENUS: Partial<Record<LineName, { menu: string; drop: number; options: string[] }>> = {
  Billing: { menu: "billing", drop: 0.3, options: ["payments", "invoices", "disputes", "account"] },
  Support: { menu: "support", drop: 0.03, options: ["account", "outages", "technical", "appointments"] },
};
function submenuOption(line: LineName, topic: TopicId, rng: Rng): string {
  if (line === "Billing") {
    if (topic === "billing_dispute") return "disputes";
    if (topic === "cancellation") return "account";
    return rng.chance(0.6) ? "payments" : "invoices";
  }
  if (topic === "outage") return "outages";
  if (topic === "technical") return "technical";
  if (topic === "appointment") return "appointments";
  return "account";
}

/** Chance a queued call is abandoned / times out (no agent in 180 s), per line. */
export const QUEUE_RISK: Record<LineName, { abandon: number; timeout: number }> = {
  Sales: { abandon: 0.04, timeout: 0.04 },
  Support: { abandon: 0.06, timeout: 0.06 },
  Billing: { abandon: 0.05, timeout: 0.05 },
};
/** Queue risk multiplier on Support during the outage week. */
export const OUTAGE_QUEUE_STRESS = 2;
export const QUEUE_TIMEOUT_SEC = 180;
export const VOICEMAIL_SHARE = 0.55;
export const AFTER_HOURS_VOICEMAIL_SHARE = 0.5;
/** Median talk seconds per topic. */
export const TALK_MEDIAN: Record<TopicId, number> = {
  login: 240, outage: 150, billing_dispute: 420, payment: 200, pricing: 360,
  new_order: 480, cancellation: 300, technical: 540, appointment: 180,
};
const SEGMENT_TALK = [1, 1.15, 1.35];
/** Planted: Support calls on billing_dispute bounce Support → Billing → Support. */
export const TRANSFER_LOOP = { topic: "billing_dispute" as TopicId, line: "Support" as LineName, via: "Billing" as LineName, share: 0.15 };

export type Force = "missed" | "abandon" | "transfer" | "answer" | null;
export type Outcome = "answered" | "voicemail" | "missed" | "abandoned" | "no-answer";

export interface Leg {
  agent: Agent;
  team: number;
  /** Seconds after the call's createdAt. */
  startSec: number;
  endSec: number;
}

export interface CallSim {
  id: string;
  line: Line;
  topic: number;
  contact: number;
  direction: "incoming" | "outgoing";
  createdMs: number;
  answeredMs: number;
  completedMs: number;
  outcome: Outcome;
  agent: Agent | null;
  legs: Leg[];
  loop: boolean;
  waitSec: number;
  events: object[];
}

export function pickAgent(rng: Rng, line: Line): Agent {
  return line.agents[rng.weighted(line.agentCum)]!;
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

export function simulateIncoming(
  rng: Rng, cal: Calendar, lines: Line[], day: number, sec: number, lineIdx: number, topic: number,
  contact: number, segment: number, force: Force, outageWeek: boolean,
): CallSim {
  const line = lines[lineIdx]!;
  const topicId = DEMO_TOPICS[topic]!.id;
  const id = `AC${rng.hex(4)}`;
  const createdMs = cal.zone.toUtc(day, sec);
  const events: object[] = [];
  const push = (type: string, ms: number, f: { menu?: string; option?: string; team?: string; agentId?: string; reason?: string; by?: string }) => {
    const seq = events.length;
    events.push({
      id: `FE${id.slice(2)}${seq < 10 ? "0" : ""}${seq}`, callId: id, seq, type, occurredAt: iso(ms),
      menu: f.menu ?? null, option: f.option ?? null, team: f.team ?? null, agentId: f.agentId ?? null,
      reason: f.reason ?? null, by: f.by ?? null,
    });
  };
  const sim: CallSim = {
    id, line, topic, contact, direction: "incoming", createdMs, answeredMs: NaN, completedMs: createdMs,
    outcome: "abandoned", agent: null, legs: [], loop: false, waitSec: 0, events,
  };
  const end = (outcome: Outcome, ms: number, by: string, menu?: string): CallSim => {
    push("hangup", ms, { by, menu });
    sim.outcome = outcome;
    sim.completedMs = ms;
    return sim;
  };
  let t = createdMs;
  push("ivr_entered", t, { menu: MAIN_MENU.menu });
  t += rng.between(4, 12) * 1000;
  if (rng.chance(MAIN_MENU.drop)) return end("abandoned", t, "caller", MAIN_MENU.menu);
  push("option_chosen", t, { menu: MAIN_MENU.menu, option: line.name });
  const sub = SUBMENUS[line.name];
  if (sub) {
    t += 1000;
    push("ivr_entered", t, { menu: sub.menu });
    t += rng.between(4, 15) * 1000;
    if (rng.chance(sub.drop)) return end("abandoned", t, "caller", sub.menu);
    push("option_chosen", t, { menu: sub.menu, option: submenuOption(line.name, topicId, rng) });
  }
  if (!cal.isOpen(day, sec)) {
    // Closed: straight to voicemail (or the caller gives up).
    t += 2000;
    if (force !== "missed" && rng.chance(AFTER_HOURS_VOICEMAIL_SHARE)) {
      push("voicemail", t, {});
      return end("voicemail", t + rng.between(20, 100) * 1000, "caller");
    }
    return end("missed", t + rng.between(3, 15) * 1000, "caller");
  }
  t += 1000;
  push("queue_entered", t, { team: line.name });
  const risk = QUEUE_RISK[line.name];
  const stress = outageWeek && line.name === "Support" ? OUTAGE_QUEUE_STRESS : 1;
  let kind: "abandon" | "timeout" | "answer";
  if (force === "missed") kind = "timeout";
  else if (force === "abandon") kind = "abandon";
  else if (force) kind = "answer";
  else {
    const r = rng.next();
    kind = r < risk.abandon * stress ? "abandon" : r < (risk.abandon + risk.timeout) * stress ? "timeout" : "answer";
  }
  if (kind === "abandon") {
    sim.waitSec = rng.between(15, 170);
    t += sim.waitSec * 1000;
    push("queue_left", t, { team: line.name, reason: "abandoned" });
    return end("abandoned", t, "caller");
  }
  if (kind === "timeout") {
    sim.waitSec = QUEUE_TIMEOUT_SEC;
    t += QUEUE_TIMEOUT_SEC * 1000;
    push("queue_left", t, { team: line.name, reason: "timeout" });
    if (force !== "missed" && rng.chance(VOICEMAIL_SHARE)) {
      t += 2000;
      push("voicemail", t, {});
      return end("voicemail", t + rng.between(15, 90) * 1000, "caller");
    }
    return end("missed", t + 2000, "caller");
  }
  // Answered.
  sim.waitSec = Math.round(clamp(rng.lognormal(outageWeek && stress > 1 ? 45 : 18, 0.8), 2, QUEUE_TIMEOUT_SEC - 5));
  t += sim.waitSec * 1000;
  const agent = pickAgent(rng, line);
  push("queue_left", t, { team: line.name, reason: "answered", agentId: agent.id });
  sim.agent = agent;
  sim.answeredMs = t;
  const talk = clamp(rng.lognormal(TALK_MEDIAN[topicId] * agent.handle * SEGMENT_TALK[segment]!, 0.5), 25, 3600);

  // Transfers: the planted loop, else an occasional single hop.
  const support = TOPIC_INDEX[TRANSFER_LOOP.topic] === topic && line.name === TRANSFER_LOOP.line;
  let route: number[] = [lineIdx];
  if (support && rng.chance(force === "transfer" ? 0.5 : TRANSFER_LOOP.share)) {
    const via = LINE_NAMES.indexOf(TRANSFER_LOOP.via);
    route = [lineIdx, via, lineIdx];
    sim.loop = true;
  } else {
    const primary = LINE_NAMES.indexOf(DEMO_TOPICS[topic]!.line);
    const p = force === "transfer" ? 1
      : support ? 0.45
      : (line.name === "Sales" && topicId === "appointment") || (line.name === "Billing" && topicId === "cancellation") ? 0.08
      : 0.02;
    if (rng.chance(p)) route = [lineIdx, primary !== lineIdx ? primary : (lineIdx + 1 + rng.int(2)) % 3];
  }
  const shares = route.length === 1 ? [1] : route.length === 2 ? [rng.uniform(0.25, 0.45), rng.uniform(0.5, 0.8)] : [rng.uniform(0.2, 0.35), rng.uniform(0.2, 0.35), rng.uniform(0.3, 0.5)];
  let legAgent = agent;
  for (let k = 0; k < route.length; k++) {
    if (k > 0) {
      const team = lines[route[k]!]!;
      push("transfer", t, { team: team.name });
      t += 1000;
      push("queue_entered", t, { team: team.name });
      t += Math.round(clamp(rng.lognormal(15, 0.7), 3, 120)) * 1000;
      legAgent = pickAgent(rng, team);
      push("queue_left", t, { team: team.name, reason: "answered", agentId: legAgent.id });
    }
    const startSec = (t - createdMs) / 1000;
    t += Math.max(15, Math.round(talk * shares[k]!)) * 1000;
    sim.legs.push({ agent: legAgent, team: route[k]!, startSec, endSec: (t - createdMs) / 1000 });
  }
  return end("answered", t, rng.chance(0.55) ? "caller" : "agent");
}

/** An agent's call out to a contact (follow-ups); no IVR, so no call-flow events. */
export function simulateOutgoing(rng: Rng, cal: Calendar, line: Line, day: number, sec: number, topic: number, contact: number, segment: number): CallSim {
  const id = `AC${rng.hex(4)}`;
  const createdMs = cal.zone.toUtc(day, sec);
  const agent = pickAgent(rng, line);
  const sim: CallSim = {
    id, line, topic, contact, direction: "outgoing", createdMs, answeredMs: NaN, completedMs: createdMs,
    outcome: "no-answer", agent, legs: [], loop: false, waitSec: 0, events: [],
  };
  if (rng.chance(0.35)) {
    sim.completedMs = createdMs + rng.between(25, 40) * 1000;
    return sim;
  }
  sim.outcome = "answered";
  sim.answeredMs = createdMs + rng.between(6, 25) * 1000;
  const talk = clamp(rng.lognormal(TALK_MEDIAN[DEMO_TOPICS[topic]!.id] * 0.8 * agent.handle * SEGMENT_TALK[segment]!, 0.5), 20, 3600);
  sim.completedMs = sim.answeredMs + Math.round(talk) * 1000;
  sim.legs.push({ agent, team: line.idx, startSec: (sim.answeredMs - createdMs) / 1000, endSec: (sim.completedMs - createdMs) / 1000 });
  return sim;
}

const STATUS: Record<Outcome, string> = { answered: "completed", voicemail: "completed", missed: "missed", abandoned: "abandoned", "no-answer": "no-answer" };

/** The `Call` record of a simulated call. */
export function callRecord(sim: CallSim, contactNumber: string, updatedLagSec: number) {
  const answered = sim.outcome === "answered";
  return {
    id: sim.id,
    answeredAt: answered ? iso(sim.answeredMs) : null,
    answeredBy: answered && sim.direction === "incoming" ? sim.agent!.id : null,
    initiatedBy: sim.direction === "outgoing" ? sim.agent!.id : null,
    direction: sim.direction,
    status: STATUS[sim.outcome],
    completedAt: iso(sim.completedMs),
    createdAt: iso(sim.createdMs),
    duration: Math.round((sim.completedMs - sim.createdMs) / 1000),
    forwardedFrom: null,
    forwardedTo: null,
    phoneNumberId: sim.line.id,
    participants: [contactNumber],
    updatedAt: iso(sim.completedMs + updatedLagSec * 1000),
    userId: (sim.agent ?? sim.line.owner).id,
  };
}
