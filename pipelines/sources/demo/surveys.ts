/** Tone of an interaction and the survey scores that follow from it (NPS 0-10, CSAT 1-5). */
import { iso } from "./calendar.ts";
import type { CallSim } from "./callflow.ts";
import type { Rng } from "./rng.ts";
import type { Texter, Tone } from "./text.ts";
import { TOPIC_INDEX } from "./topics.ts";

export const SURVEY_DELAY = { medianSec: 7200, sigma: 1.1, minSec: 300, maxSec: 47 * 3600 };
export const SCORES_BY_TONE = {
  negative: { nps: [0, 4], csat: [1, 2], csatThreeShare: 0.15 },
  neutral: { nps: [5, 8], csat: [3, 4] },
  positive: { nps: [9, 10], npsEightShare: 0.2, csat: [4, 5], csatFiveShare: 0.75 },
};
const COMMENT_CHANCE = { [-1]: 0.7, 0: 0.3, 1: 0.45 } as Record<Tone, number>;

const TOPIC_NEG_BUMP = new Set([TOPIC_INDEX.outage, TOPIC_INDEX.billing_dispute]);

/** Tone of an answered call: worse after transfers, loops and long waits. */
export function callTone(rng: Rng, sim: CallSim): Tone {
  let neg = sim.loop ? 0.65 : sim.legs.length > 1 ? 0.3 : 0.1;
  if (sim.waitSec > 90) neg += 0.15;
  if (TOPIC_NEG_BUMP.has(sim.topic)) neg += 0.08;
  const r = rng.next();
  if (r < neg) return -1;
  return r < neg + 0.45 * (1 - neg) ? 1 : 0;
}

export function threadTone(rng: Rng, topic: number): Tone {
  const neg = TOPIC_NEG_BUMP.has(topic) ? 0.2 : 0.12;
  const r = rng.next();
  return r < neg ? -1 : r < neg + 0.4 ? 1 : 0;
}

export function scores(rng: Rng, tone: Tone): { nps: number | null; csat: number | null } {
  let nps: number;
  let csat: number;
  if (tone === -1) {
    nps = rng.between(0, 4);
    csat = rng.chance(SCORES_BY_TONE.negative.csatThreeShare) ? 3 : rng.between(1, 2);
  } else if (tone === 0) {
    nps = rng.between(5, 8);
    csat = rng.between(3, 4);
  } else {
    nps = rng.chance(SCORES_BY_TONE.positive.npsEightShare) ? 8 : rng.between(9, 10);
    csat = rng.chance(SCORES_BY_TONE.positive.csatFiveShare) ? 5 : 4;
  }
  const r = rng.next();
  return r < 0.7 ? { nps, csat } : r < 0.85 ? { nps, csat: null } : { nps: null, csat };
}

/** A survey response to an interaction that ended at `endMs`, or null if it would come at or after `limitMs`. */
export function surveyRecord(
  rng: Rng, texter: Texter, interactionId: string, channel: "call" | "message", contactId: string,
  topic: number, tone: Tone, endMs: number, limitMs: number,
) {
  const d = SURVEY_DELAY;
  const delay = Math.round(Math.min(d.maxSec, Math.max(d.minSec, rng.lognormal(d.medianSec, d.sigma))));
  const respondedMs = endMs + delay * 1000;
  const s = scores(rng, tone);
  const comment = rng.chance(COMMENT_CHANCE[tone]) ? texter.comment(topic, tone) : null;
  if (respondedMs >= limitMs) return null;
  return {
    id: `SV${rng.hex(3)}`,
    interactionId,
    channel,
    contactId,
    respondedAt: iso(respondedMs),
    nps: s.nps,
    csat: s.csat,
    comment,
  };
}
