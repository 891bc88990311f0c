/**
 * Words of the demo: transcripts, summaries, message texts and survey comments, each built for
 * one topic and tone from the templates in topic-texts.ts and phrases.ts.
 */
import * as P from "./phrases.ts";
import type { Rng } from "./rng.ts";
import { TOPIC_TEXTS, REMINDERS, REMINDER_ANSWERS, type TopicTexts } from "./topic-texts.ts";
import { ALL_KEYWORDS, DEMO_TOPICS } from "./topics.ts";

/** -1 negative, 0 neutral, 1 positive. */
export type Tone = -1 | 0 | 1;

export interface Vars {
  first?: string;
  last?: string;
  agent?: string;
  team?: string;
  team1?: string;
  team2?: string;
  frag?: string;
  value?: string;
  partofday?: string;
}

export interface Turn {
  /** Agent index in the call's legs, or -1 for the customer. */
  who: number;
  /** The leg (agent stint) the turn belongs to. */
  leg: number;
  text: string;
}

export class Texter {
  readonly biz: string;

  constructor(private readonly rng: Rng, businessName: string) {
    const lower = businessName.toLowerCase();
    // A business name holding a topic keyword would leak that topic into every greeting.
    this.biz = ALL_KEYWORDS.some((k) => lower.includes(k)) ? "our team" : businessName;
  }

  fill(tpl: string, v: Vars): string {
    if (!tpl.includes("{")) return tpl;
    const rng = this.rng;
    return tpl.replace(/\{(\w+)\}/g, (_, key: string) => {
      switch (key) {
        case "biz": return this.biz;
        case "amount": return `$${rng.between(19, 480)}.${String(rng.int(100)).padStart(2, "0")}`;
        case "n": return String(rng.between(2, 9));
        case "weekday": return rng.pick(P.WEEKDAYS);
        case "window": return rng.pick(P.WINDOWS);
        default: return (v as Record<string, string | undefined>)[key] ?? "";
      }
    });
  }

  pickFill(list: readonly string[], v: Vars): string {
    return this.fill(this.rng.pick(list), v);
  }

  topic(t: number): TopicTexts {
    return TOPIC_TEXTS[DEMO_TOPICS[t]!.id];
  }

  /** Summary sentences and next steps of an answered call. */
  summary(t: number, tone: Tone, transfer: { team1: string; team2: string; loop: boolean } | null): { summary: string[]; nextSteps: string[] } {
    const tt = this.topic(t);
    const rng = this.rng;
    const summary = [this.pickFill(tt.summaries, {})];
    if (transfer) summary.push(this.fill(transfer.loop ? P.SUMMARY_LOOP : P.SUMMARY_TRANSFER, { team: transfer.team2, ...transfer }));
    if (tone === -1) summary.push(rng.pick(P.SUMMARY_NEGATIVE));
    else if (tone === 1 && summary.length < 3 && rng.chance(0.7)) summary.push(rng.pick(P.SUMMARY_POSITIVE));
    const nextSteps = [this.pickFill(tt.nextSteps, {})];
    if (rng.chance(0.35)) {
      const other = this.pickFill(tt.nextSteps, {});
      if (other !== nextSteps[0]) nextSteps.push(other);
    }
    return { summary, nextSteps };
  }

  /**
   * Turns of an answered call. `teams` names the team of each leg (one per agent, in order);
   * `pii` is appended to the customer's identification turn.
   */
  dialogue(t: number, tone: Tone, outgoing: boolean, teams: string[], agents: string[], v: Vars, pii: string | null): Turn[] {
    const tt = this.topic(t);
    const rng = this.rng;
    const turns: Turn[] = [];
    let leg = 0;
    const say = (who: number, text: string) => {
      const last = turns[turns.length - 1];
      if (last && last.who === who) last.text += ` ${text}`;
      else turns.push({ who, leg, text });
    };
    const legs = teams.length;
    for (leg = 0; leg < legs; leg++) {
      const av: Vars = { ...v, agent: agents[leg], team: teams[leg] };
      const final = leg === legs - 1;
      if (leg === 0) {
        say(0, this.pickFill(outgoing ? P.GREETINGS_OUT : P.GREETINGS_IN, av));
        say(-1, this.pickFill(tt.openers, av));
        if (tone === -1 && rng.chance(0.6)) say(-1, rng.pick(P.NEGATIVE_LINES));
        say(0, rng.pick(P.VERIFY));
        let id = this.pickFill(P.IDENTIFY, av);
        if (pii !== null) id += ` ${pii}`;
        say(-1, id);
        say(0, rng.pick(P.AGENT_FILLER));
      } else {
        say(leg, this.pickFill(P.TRANSFER_IN, av));
        say(-1, leg === 2 && tone === -1 ? rng.pick(P.NEGATIVE_LINES) : this.pickFill(tt.openers, av));
      }
      if (!final) {
        const nextTeam = teams[leg + 1]!;
        const back = leg > 0 && nextTeam === teams[0];
        say(leg, this.fill(rng.pick(back ? P.SEND_BACK : P.TRANSFER_OUT), { team: nextTeam }));
        say(-1, rng.pick(P.CUSTOMER_ACK));
        continue;
      }
      say(leg, this.pickFill(tt.resolutions, av));
      if (tone === -1) say(-1, rng.pick(P.NEGATIVE_LINES));
      else if (tone === 1) say(-1, rng.pick(P.POSITIVE_LINES));
      else say(-1, rng.pick(P.CUSTOMER_ACK));
      say(leg, rng.pick(P.CLOSINGS));
    }
    return turns;
  }

  inbound(t: number, tone: Tone, v: Vars): string {
    const s = this.pickFill(this.topic(t).inbound, v);
    return tone === -1 ? s + this.rng.pick(P.NEGATIVE_TEXT_TAILS) : s;
  }

  reply(t: number, v: Vars): string {
    return this.pickFill(this.topic(t).replies, v);
  }

  followup(t: number, tone: Tone, v: Vars): string {
    const tt = this.topic(t);
    if (tone === -1) return this.pickFill(tt.followBad, v) + this.rng.pick(P.NEGATIVE_TEXT_TAILS);
    const s = this.pickFill(tt.followOk, v);
    return tone === 1 ? s + this.rng.pick(P.POSITIVE_TEXT_TAILS) : s;
  }

  missedFollowup(t: number, voicemail: boolean, v: Vars): string {
    const frag = this.rng.pick(this.topic(t).frags);
    return this.fill(P.MISSED_FOLLOWUPS[voicemail ? 1 : 0]!, { ...v, frag });
  }

  reminder(v: Vars): string {
    return this.pickFill(REMINDERS, v);
  }

  reminderAnswer(): string {
    return this.rng.pick(REMINDER_ANSWERS);
  }

  comment(t: number, tone: Tone): string {
    const frag = this.rng.pick(this.topic(t).frags);
    const frames = tone === -1 ? P.COMMENT_NEGATIVE : tone === 1 ? P.COMMENT_POSITIVE : P.COMMENT_NEUTRAL;
    return this.fill(this.rng.pick(frames), { frag });
  }

  piiSentence(kind: "phone" | "email" | "card", value: string): string {
    return this.fill(this.rng.pick(P.PII_FRAMES[kind]), { value });
  }
}

/**
 * Place turns in order over [from, to] seconds of the call: each gets a slot by text length and
 * speaks for about as long as its words take (~2.5 words a second), the rest of the slot is silence.
 */
export function timeTurns(turns: Turn[], from: number, to: number): Array<{ start: number; end: number }> {
  const weights = turns.map((t) => t.text.length + 25);
  const total = weights.reduce((a, b) => a + b, 0);
  const span = Math.max(1, to - from);
  const out: Array<{ start: number; end: number }> = [];
  let acc = 0;
  for (let i = 0; i < turns.length; i++) {
    const w = weights[i]!;
    const start = from + (acc / total) * span;
    acc += w;
    const slot = (w / total) * span;
    const words = turns[i]!.text.split(" ").length;
    const speak = Math.min(slot * 0.9, 0.8 + words / 2.5);
    out.push({ start: Math.round(start * 10) / 10, end: Math.round((start + speak) * 10) / 10 });
  }
  return out;
}
