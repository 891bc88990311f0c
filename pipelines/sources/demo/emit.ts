/**
 * Turning simulated interactions into records: a call with its flow events, summary,
 * transcript and survey; a text thread; the follow-up texts calls trigger; planted PII.
 */
import { DAY_MS, iso } from "./calendar.ts";
import { callRecord, pickAgent, type CallSim } from "./callflow.ts";
import { CHURN } from "./churn.ts";
import type { Gen } from "./context.ts";
import { makeCard, makeEmail, makePhone, type PiiKind } from "./pii.ts";
import { PLAYBOOK } from "./playbook.ts";
import { firstName, lastName } from "./population.ts";
import { callTone, surveyRecord, threadTone } from "./surveys.ts";
import { timeTurns, type Tone, type Turn } from "./text.ts";
import { TOPIC_INDEX } from "./topics.ts";
import type { Agent, Line } from "./types.ts";
import { monthOf } from "./writer.ts";

const partOfDay = (sec: number) => (sec < 12 * 3600 ? "morning" : sec < 17 * 3600 ? "afternoon" : "evening");

/** The last instant a contact can still be reached (a day before churn), else Infinity. */
function activeUntil(g: Gen, contact: number): number {
  const churn = g.contacts.churnMs[contact]!;
  return Number.isNaN(churn) ? Infinity : churn - DAY_MS;
}

/** Surveys come in before the window ends and before the contact churns. */
function surveyLimit(g: Gen, contact: number): number {
  const churn = g.contacts.churnMs[contact]!;
  return Number.isNaN(churn) ? g.windowEndMs : Math.min(g.windowEndMs, churn);
}

function plantPii(g: Gen, contact: number): { kind: PiiKind; value: string } {
  const r = g.rng.next();
  const kind: PiiKind = r < 0.4 ? "phone" : r < 0.75 ? "email" : "card";
  const value = kind === "phone" ? makePhone(g.rng)
    : kind === "card" ? makeCard(g.rng)
    : makeEmail(g.rng, firstName(g.contacts, contact), lastName(g.contacts, contact));
  return { kind, value };
}

function writeMessage(g: Gen, dir: "incoming" | "outgoing", line: Line, contact: number, agent: Agent, text: string, ms: number): string {
  const rng = g.rng;
  const num = g.contacts.number[contact]!;
  const id = `AC${rng.hex(4)}`;
  const createdAt = iso(ms);
  if (dir === "incoming") g.playbook.attempt(contact, ms);
  const r = rng.next();
  const rec = {
    id,
    to: dir === "incoming" ? [line.number] : [num],
    from: dir === "incoming" ? num : line.number,
    text,
    phoneNumberId: line.id,
    direction: dir,
    userId: agent.id,
    status: dir === "incoming" || r < 0.96 ? "delivered" : r < 0.99 ? "sent" : "undelivered",
    createdAt,
    updatedAt: iso(ms + (dir === "incoming" ? 0 : rng.between(1, 5) * 1000)),
  };
  g.out.monthly("messages", monthOf(createdAt), rec, Date.parse(rec.updatedAt));
  return id;
}

/** Write a call and everything that hangs off it. `day`/`sec`: its local start. */
export function emitCall(g: Gen, sim: CallSim, day: number, sec: number, scripted: boolean): void {
  const { rng, out, texter, contacts } = g;
  const num = contacts.number[sim.contact]!;
  const rec = callRecord(sim, num, rng.between(1, 40));
  const month = monthOf(rec.createdAt);
  // A call, its flow events and its summary are visible together, once the call's last update is.
  const at = Date.parse(rec.updatedAt);
  out.monthly("calls", month, rec, at);
  for (const ev of sim.events) out.monthly("call-flow-events", month, ev, at);
  if (sim.loop) g.loopCallIds.push(sim.id);
  if (sim.direction === "incoming") g.playbook.attempt(sim.contact, sim.createdMs);
  const endSec = sec + rec.duration;

  if (sim.outcome !== "answered") {
    if (sim.direction === "incoming" && contacts.optedOut[sim.contact] === 0 && rng.chance(0.35)) {
      emitMissedFollowup(g, sim, day, endSec);
    }
    return;
  }
  const tone: Tone = scripted ? -1 : callTone(rng, sim);
  const teams = sim.legs.map((l) => g.lines[l.team]!.name);
  const transfer = sim.legs.length > 1 ? { team1: teams[0]!, team2: teams[1]!, loop: sim.loop } : null;
  const s = texter.summary(sim.topic, tone, transfer);
  out.monthly("call-summaries", month, { callId: sim.id, nextSteps: s.nextSteps, status: "completed", summary: s.summary }, at);

  if (g.transcriptShare >= 1 || rng.chance(g.transcriptShare)) {
    const pii = rng.chance(g.piiTranscriptRate) ? plantPii(g, sim.contact) : null;
    const vars = { first: firstName(contacts, sim.contact), last: lastName(contacts, sim.contact), partofday: partOfDay(sec) };
    const turns = texter.dialogue(
      sim.topic, tone, sim.direction === "outgoing", teams, sim.legs.map((l) => l.agent.firstName), vars,
      pii ? texter.piiSentence(pii.kind, pii.value) : null,
    );
    const createdAt = iso(sim.completedMs + rng.between(20, 120) * 1000);
    const write = (say: boolean) => writeTranscript(g, sim, num, month, rec.duration, createdAt, Math.max(at, Date.parse(createdAt)), say ? withPhrase(turns) : turns);
    if (sim.topic === TOPIC_INDEX[PLAYBOOK.topic] && sim.line.name === PLAYBOOK.line) g.playbook.defer(sim.contact, sim.createdMs, tone, write);
    else write(false);
    if (pii) g.pii.push({ ...pii, entity: "call-transcripts", recordId: sim.id, file: `call-transcripts/${month}.ndjson` });
  }
  if (sim.direction === "incoming") g.opportunity.conversation(sim.contact, sim.line.name, sim.topic, tone, day);

  if (rng.chance(scripted ? CHURN.surveyChance : g.surveyShare)) {
    const sv = surveyRecord(rng, texter, sim.id, "call", contacts.id[sim.contact]!, sim.topic, tone, sim.completedMs, surveyLimit(g, sim.contact));
    if (sv) out.monthly("survey-responses", monthOf(sv.respondedAt), sv, Date.parse(sv.respondedAt));
  }
  if (sim.topic === TOPIC_INDEX.appointment && contacts.optedOut[sim.contact] === 0 && rng.chance(0.5)) {
    emitReminder(g, sim, day);
  }
}

/** The planted sentence, said by the resolving agent right after the resolution (the turn before the customer's reaction). */
function withPhrase(turns: Turn[]): Turn[] {
  const k = turns.length - 3;
  return turns.map((t, i) => (i === k && t.who >= 0 ? { ...t, text: `${t.text} ${PLAYBOOK.sentence}` } : t));
}

function writeTranscript(g: Gen, sim: CallSim, num: string, month: string, duration: number, createdAt: string, at: number, turns: Turn[]): void {
  const dialogue: Array<{ content: string; start: number; end: number; identifier: string; userId: string | null }> = [];
  sim.legs.forEach((leg, li) => {
    const legTurns = turns.filter((t) => t.leg === li);
    const times = timeTurns(legTurns, leg.startSec, leg.endSec);
    legTurns.forEach((t, k) => {
      dialogue.push({
        content: t.text, start: times[k]!.start, end: times[k]!.end,
        identifier: t.who >= 0 ? sim.line.number : num,
        userId: t.who >= 0 ? sim.legs[t.who]!.agent.id : null,
      });
    });
  });
  g.out.monthly("call-transcripts", month, { callId: sim.id, createdAt, dialogue, duration, status: "completed" }, at);
}

/** An inbound text thread: the customer writes, an agent answers, maybe a back-and-forth. */
export function emitThread(g: Gen, day: number, sec: number, lineIdx: number, topic: number, contact: number, scripted: boolean): void {
  const { rng, texter, cal, contacts } = g;
  const line = g.lines[lineIdx]!;
  const agent = pickAgent(rng, line);
  const tone: Tone = scripted ? -1 : threadTone(rng, topic);
  const vars = { first: firstName(contacts, contact), agent: agent.firstName };
  let text = texter.inbound(topic, tone, vars);
  const pii = rng.chance(g.piiMessageRate) ? plantPii(g, contact) : null;
  if (pii) text += ` ${texter.piiSentence(pii.kind, pii.value)}`;
  const until = Math.min(g.windowEndMs, activeUntil(g, contact));
  let ms = cal.zone.toUtc(day, sec);
  if (ms >= until) return;
  const firstId = writeMessage(g, "incoming", line, contact, agent, text, ms);
  if (pii) g.pii.push({ ...pii, entity: "messages", recordId: firstId, file: `messages/${monthOf(iso(ms))}.ndjson` });
  let lastMs = ms;
  let replied = false;
  let s = sec;
  const steps: Array<"reply" | "follow"> = [];
  if (rng.chance(0.93)) {
    steps.push("reply");
    if (rng.chance(tone === -1 ? 0.75 : 0.45)) {
      steps.push("follow");
      if (rng.chance(0.6)) steps.push("reply");
    }
  }
  for (const step of steps) {
    s = step === "reply"
      ? cal.replySec(rng, day, s, Math.round(Math.min(5400, Math.max(20, rng.lognormal(240, 1)))))
      : s + Math.round(Math.min(20000, Math.max(30, rng.lognormal(600, 1.1))));
    ms = cal.zone.toUtc(day, s);
    if (ms >= until) break;
    if (step === "reply") {
      writeMessage(g, "outgoing", line, contact, agent, texter.reply(topic, vars), ms);
      replied = true;
    } else {
      writeMessage(g, "incoming", line, contact, agent, texter.followup(topic, tone, vars), ms);
    }
    lastMs = ms;
  }
  if (replied) g.opportunity.conversation(contact, line.name, topic, tone, day);
  if (replied && rng.chance(scripted ? CHURN.surveyChance : g.surveyShare)) {
    const sv = surveyRecord(rng, texter, firstId, "message", contacts.id[contact]!, topic, tone, lastMs, surveyLimit(g, contact));
    if (sv) g.out.monthly("survey-responses", monthOf(sv.respondedAt), sv, Date.parse(sv.respondedAt));
  }
}

/** "Sorry we missed your call" text after a missed call or voicemail, sent during opening hours. */
function emitMissedFollowup(g: Gen, sim: CallSim, day: number, endSec: number): void {
  const { rng, cal, texter, contacts } = g;
  const s = cal.replySec(rng, day, endSec, Math.round(rng.lognormal(600, 0.8)));
  const ms = cal.zone.toUtc(day, s);
  if (ms >= g.windowEndMs || ms >= activeUntil(g, sim.contact)) return;
  const agent = pickAgent(rng, sim.line);
  const vars = { first: firstName(contacts, sim.contact), agent: agent.firstName };
  writeMessage(g, "outgoing", sim.line, sim.contact, agent, texter.missedFollowup(sim.topic, sim.outcome === "voicemail", vars), ms);
  if (rng.chance(0.35)) {
    const ms2 = ms + Math.round(Math.max(60, rng.lognormal(900, 1))) * 1000;
    if (ms2 < g.windowEndMs) writeMessage(g, "incoming", sim.line, sim.contact, agent, texter.followup(sim.topic, 0, vars), ms2);
  }
}

/** Appointment reminder text on the next open day, sometimes answered. */
function emitReminder(g: Gen, sim: CallSim, day: number): void {
  const { rng, cal, texter, contacts } = g;
  let d = day + 1;
  while (cal.info(d).kind === 2) d++;
  const ms = cal.zone.toUtc(d, cal.info(d).openSec + rng.between(0, 5400));
  if (ms >= g.windowEndMs || ms >= activeUntil(g, sim.contact)) return;
  const agent = sim.agent ?? sim.line.owner;
  const vars = { first: firstName(contacts, sim.contact), agent: agent.firstName };
  writeMessage(g, "outgoing", sim.line, sim.contact, agent, texter.reminder(vars), ms);
  if (rng.chance(0.5)) {
    const ms2 = ms + Math.round(Math.max(60, rng.lognormal(1200, 1))) * 1000;
    if (ms2 < g.windowEndMs) writeMessage(g, "incoming", sim.line, sim.contact, agent, texter.reminderAnswer(), ms2);
  }
}
