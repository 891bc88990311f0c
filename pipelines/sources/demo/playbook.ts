/**
 * Planted playbook behaviour: on one topic and line, the agent who resolves a call says a given
 * phrase far more often when the customer does not have to come back (no inbound call or text from
 * them within `windowDays` after the call) and leaves satisfied. Whether a call is resolved is only
 * known once that window has passed, so the transcripts of the topic's answered calls are held back
 * until then and written with or without the phrase. The choice draws from its own random stream:
 * the main stream, and so every other record, is the same as without the plant (only the held
 * transcripts move within their month file, and their turn timings follow the longer text).
 */
import { DAY_MS } from "./calendar.ts";
import { Rng } from "./rng.ts";
import type { Tone } from "./text.ts";
import type { LineName, TopicId } from "./topics.ts";

export const PLAYBOOK = {
  topic: "technical" as TopicId,
  line: "Support" as LineName,
  /** What the resolving agent says, as it appears (lower-cased) in the redacted agent turn. */
  phrase: "let's test it together",
  sentence: "Let's test it together.",
  /** Days after a call within which another inbound contact means it was not resolved (the FCR window). */
  windowDays: 7,
  /** Chance the resolving agent says the phrase: resolved and not negative / resolved but negative / not resolved. */
  sayChance: { resolvedSatisfied: 0.6, resolvedUnhappy: 0.2, repeated: 0.06 },
};

type Pending = { contact: number; startMs: number; tone: Tone; repeated: boolean; write: (say: boolean) => void };

export class PlaybookPlant {
  private readonly rng: Rng;
  private readonly attempts = new Map<number, number[]>();
  private readonly byContact = new Map<number, Pending[]>();
  private queue: Pending[] = [];
  private readonly window = PLAYBOOK.windowDays * DAY_MS;
  readonly observed = { calls: 0, said: 0, saidResolved: 0, notSaid: 0, notSaidResolved: 0 };

  constructor(seed: number) {
    this.rng = new Rng(seed, 5);
  }

  /** A customer-initiated contact (inbound call or text) at `ms`. */
  attempt(contact: number, ms: number): void {
    const list = this.attempts.get(contact);
    if (list) {
      while (list.length && list[0]! < ms - 2 * this.window) list.shift();
      list.push(ms);
    } else this.attempts.set(contact, [ms]);
    for (const p of this.byContact.get(contact) ?? []) if (ms > p.startMs && ms <= p.startMs + this.window) p.repeated = true;
  }

  /** Hold back a transcript of the planted topic until its call's resolution is known. */
  defer(contact: number, startMs: number, tone: Tone, write: (say: boolean) => void): void {
    const p: Pending = { contact, startMs, tone, repeated: false, write };
    for (const a of this.attempts.get(contact) ?? []) if (a > startMs && a <= startMs + this.window) p.repeated = true;
    this.queue.push(p);
    const list = this.byContact.get(contact);
    if (list) list.push(p);
    else this.byContact.set(contact, [p]);
  }

  /** Write the held transcripts whose window closed before `ms` (all of them when ms is Infinity). */
  flush(ms: number): void {
    const keep: Pending[] = [];
    for (const p of this.queue) {
      if (p.startMs + this.window + DAY_MS > ms) { keep.push(p); continue; }
      const c = PLAYBOOK.sayChance;
      const chance = p.repeated ? c.repeated : p.tone === -1 ? c.resolvedUnhappy : c.resolvedSatisfied;
      const say = this.rng.chance(chance);
      this.observed.calls++;
      if (say) { this.observed.said++; if (!p.repeated) this.observed.saidResolved++; } else { this.observed.notSaid++; if (!p.repeated) this.observed.notSaidResolved++; }
      p.write(say);
      const list = this.byContact.get(p.contact)!;
      list.splice(list.indexOf(p), 1);
      if (!list.length) this.byContact.delete(p.contact);
    }
    this.queue = keep;
  }
}
