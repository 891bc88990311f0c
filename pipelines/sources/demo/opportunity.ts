/**
 * Planted sales opportunities: contacts who talk to Sales about pricing or a new order and come
 * away pleased buy within days (their `last-order` contact field holds the date), a few asked but
 * neutral ones too, almost never the unhappy ones; plus a small baseline of buyers with no such
 * signal. Sales checks in with recent buyers: some of its outgoing calls go to a buyer a few days
 * after the purchase instead of to a random contact. Decisions draw from their own random stream and
 * a redirected call keeps its draws from the main stream, so every other record stays the same.
 */
import { DAY_MS, type Calendar } from "./calendar.ts";
import { Rng } from "./rng.ts";
import type { Tone } from "./text.ts";
import { TOPIC_INDEX, type LineName, type TopicId } from "./topics.ts";
import type { Contacts } from "./types.ts";

export const OPPORTUNITY = {
  field: "last-order",
  topics: ["pricing", "new_order"] as TopicId[],
  line: "Sales" as LineName,
  /** Chance an answered call or a replied text thread on those topics leads to a purchase, by tone. */
  buyChance: { positive: 0.5, neutral: 0.05, negative: 0 },
  /** Days from the conversation to the purchase (people take a week or three to decide). */
  lagDays: [7, 21] as const,
  /** Baseline buyers (no engagement signal) as a share of the planted ones. */
  baselineShare: 0.1,
  /** Sales calls a recent buyer this many days after the purchase … */
  checkInDays: [2, 10] as const,
  /** … on this share of its outgoing calls while a buyer is waiting for one. */
  checkInShare: 0.8,
};

export class OpportunityPlant {
  private readonly rng: Rng;
  /** Purchase instant per contact, or NaN. */
  readonly orderMs: Float64Array;
  /** 1 = planted (engagement-driven), 2 = baseline. */
  readonly kind: Uint8Array;
  private waiting: Array<{ contact: number; orderDay: number }> = [];
  readonly checkIns = { calls: 0, contacts: new Set<number>() };
  private readonly topics: Set<number>;

  constructor(seed: number, private readonly c: Contacts, private readonly cal: Calendar) {
    this.rng = new Rng(seed, 6);
    this.orderMs = new Float64Array(c.n).fill(NaN);
    this.kind = new Uint8Array(c.n);
    this.topics = new Set(OPPORTUNITY.topics.map((t) => TOPIC_INDEX[t]));
  }

  private eligible(contact: number, ms: number): boolean {
    return this.kind[contact] === 0 && this.c.churnKind[contact] === 0 && this.c.cutoffMs[contact]! > ms;
  }

  /** A Sales conversation (answered call or replied thread) on `day` ended with this tone. */
  conversation(contact: number, lineName: LineName, topic: number, tone: Tone, day: number): void {
    if (lineName !== OPPORTUNITY.line || !this.topics.has(topic)) return;
    const p = OPPORTUNITY.buyChance;
    const chance = tone === 1 ? p.positive : tone === 0 ? p.neutral : p.negative;
    if (!this.rng.chance(chance)) return;
    const orderDay = day + this.rng.between(...OPPORTUNITY.lagDays);
    if (orderDay > this.cal.endDay) return;
    const ms = this.cal.zone.toUtc(orderDay, this.rng.between(9 * 3600, 19 * 3600));
    if (!this.eligible(contact, ms)) return;
    this.orderMs[contact] = ms;
    this.kind[contact] = 1;
    this.waiting.push({ contact, orderDay });
  }

  /** The buyer an outgoing Sales call on `day` goes to instead of `contact`, or `contact`. */
  checkIn(contact: number, lineName: LineName, day: number, ms: number): number {
    if (lineName !== OPPORTUNITY.line || this.waiting.length === 0) return contact;
    const [lo, hi] = OPPORTUNITY.checkInDays;
    this.waiting = this.waiting.filter((w) => w.orderDay >= day - hi);
    const k = this.waiting.findIndex((w) => w.orderDay <= day - lo && this.c.cutoffMs[w.contact]! > ms);
    if (k < 0 || !this.rng.chance(OPPORTUNITY.checkInShare)) return contact;
    const buyer = this.waiting[k]!.contact;
    this.waiting.splice(k, 1);
    this.checkIns.calls++;
    this.checkIns.contacts.add(buyer);
    return buyer;
  }

  /** After the simulation: baseline buyers, contacts with no planted signal who buy on a random day. */
  finish(): void {
    const planted = this.kind.reduce((a, k) => a + (k === 1 ? 1 : 0), 0);
    const want = Math.round(planted * OPPORTUNITY.baselineShare);
    const c = this.c;
    for (let got = 0, tries = 0; got < want && tries < want * 50; tries++) {
      const i = this.rng.int(c.n);
      const lo = Math.max(this.cal.startDay + 30, Math.ceil(c.sinceMs[i]! / DAY_MS) + 14);
      if (lo > this.cal.endDay) continue;
      const day = this.rng.between(lo, this.cal.endDay);
      const ms = this.cal.zone.toUtc(day, this.rng.between(9 * 3600, 19 * 3600));
      if (!this.eligible(i, ms)) continue;
      this.orderMs[i] = ms;
      this.kind[i] = 2;
      got++;
    }
  }

  ids(kind: 1 | 2): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.c.n; i++) if (this.kind[i] === kind) out.push(i);
    return out;
  }
}
