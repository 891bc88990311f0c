/**
 * Who is on the other end: a contact who is a customer by then, has not stopped contacting us,
 * weighted by segment, and often someone who recently reached out about the same topic.
 */
import type { Rng } from "./rng.ts";
import type { Contacts } from "./types.ts";

/** Acceptance weight by segment (Consumer, Small business, Enterprise). */
export const SEGMENT_ACTIVITY = [1, 1.6, 2.5];
/** Share of interactions from a recent contact on the same topic (repeat contacts). */
export const REPEAT_SHARE = 0.22;
const RING = 64;

export class ContactPicker {
  private eligible = 0;
  private readonly rings: Int32Array[];
  private readonly ringCount: Uint32Array;

  constructor(private readonly c: Contacts, private readonly rng: Rng, topics: number) {
    this.rings = Array.from({ length: topics }, () => new Int32Array(RING));
    this.ringCount = new Uint32Array(topics);
  }

  /** Make contacts who became customers before `ms` available. */
  advance(ms: number): void {
    const since = this.c.sinceMs;
    while (this.eligible < this.c.n && since[this.eligible]! <= ms) this.eligible++;
  }

  private ok(i: number, ms: number, text: boolean): boolean {
    return this.c.sinceMs[i]! <= ms && this.c.cutoffMs[i]! > ms && !(text && this.c.optedOut[i] === 1);
  }

  /** A contact for an interaction at `ms` on `topic`, or -1 if none is available. */
  pick(ms: number, topic: number, text: boolean): number {
    const rng = this.rng;
    const count = this.ringCount[topic]!;
    const ring = this.rings[topic]!;
    if (count > 0 && rng.chance(REPEAT_SHARE)) {
      const i = ring[rng.int(Math.min(count, RING))]!;
      if (this.ok(i, ms, text)) return i;
    }
    const maxW = SEGMENT_ACTIVITY[2]!;
    for (let attempt = 0; attempt < 64 && this.eligible > 0; attempt++) {
      const i = rng.int(this.eligible);
      if (!this.ok(i, ms, text)) continue;
      if (rng.next() * maxW > SEGMENT_ACTIVITY[this.c.segment[i]!]!) continue;
      ring[count % RING] = i;
      this.ringCount[topic] = count + 1;
      return i;
    }
    return -1;
  }
}
