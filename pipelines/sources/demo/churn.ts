/**
 * Planted churn: a group of contacts whose churn follows a burst of unresolved contacts
 * (repeat calls on one topic within days, missed calls, transfers, negative tone, low scores),
 * plus a small baseline of contacts who churn without those drivers.
 */
import { Calendar, DAY_MS } from "./calendar.ts";
import type { Force } from "./callflow.ts";
import type { Rng } from "./rng.ts";
import { LINE_NAMES, TOPIC_INDEX, type LineName, type TopicId } from "./topics.ts";
import type { Contacts } from "./types.ts";

export const CHURN = {
  /** Share of active contacts (customers ≥ 60 days before the end) in the churn group. */
  groupShare: 0.05,
  baselineShare: 0.015,
  activeMinDays: 60,
  episodeCalls: [3, 5] as const,
  episodeSpanDays: [2, 6] as const,
  churnLagDays: [3, 10] as const,
  threadChance: 0.75,
  surveyChance: 0.65,
  topics: [
    ["billing_dispute", "Support", 0.35], ["billing_dispute", "Billing", 0.2], ["technical", "Support", 0.2],
    ["payment", "Billing", 0.15], ["appointment", "Support", 0.1],
  ] as Array<[TopicId, LineName, number]>,
};

export interface ScriptItem {
  kind: "call" | "thread";
  contact: number;
  line: number;
  topic: number;
  sec: number;
  force: Force;
}

export interface ChurnPlan {
  byDay: Map<number, ScriptItem[]>;
  group: number[];
  baseline: number[];
  activeContacts: number;
  scriptedCalls: number;
  scriptedThreads: number;
}

export function planChurn(rng: Rng, c: Contacts, cal: Calendar): ChurnPlan {
  const endMs = cal.windowEndMs;
  const active: number[] = [];
  for (let i = 0; i < c.n; i++) if (c.sinceMs[i]! <= endMs - CHURN.activeMinDays * DAY_MS) active.push(i);
  // Partial Fisher-Yates: the first k of `active` become a uniform random sample.
  const take = (k: number, from: number) => {
    for (let j = from; j < Math.min(active.length, from + k); j++) {
      const r = j + rng.int(active.length - j);
      [active[j], active[r]] = [active[r]!, active[j]!];
    }
    return active.slice(from, from + k);
  };
  const nGroup = Math.round(active.length * CHURN.groupShare);
  const candidates = take(nGroup, 0);
  const baselinePool = take(Math.round(active.length * CHURN.baselineShare), nGroup);
  const plan: ChurnPlan = { byDay: new Map(), group: [], baseline: [], activeContacts: active.length, scriptedCalls: 0, scriptedThreads: 0 };
  const add = (day: number, item: ScriptItem) => {
    const list = plan.byDay.get(day);
    if (list) list.push(item);
    else plan.byDay.set(day, [item]);
  };
  const topicCum = CHURN.topics.reduce<number[]>((acc, t) => [...acc, (acc[acc.length - 1] ?? 0) + t[2]], []);
  const inHours = (day: number) => {
    const info = cal.info(day);
    return info.openSec + rng.int(Math.max(60, info.closeSec - info.openSec - 1800));
  };

  for (const i of candidates.sort((a, b) => a - b)) {
    const sinceDay = Math.ceil(c.sinceMs[i]! / DAY_MS);
    const earliest = Math.max(cal.startDay + 14, sinceDay + 21);
    const latest = cal.endDay - 24;
    if (earliest > latest) continue;
    const start = cal.nextWeekday(rng.between(earliest, latest));
    const [topicId, lineName] = CHURN.topics[rng.weighted(topicCum)]!;
    const topic = TOPIC_INDEX[topicId];
    const line = LINE_NAMES.indexOf(lineName);
    const nCalls = rng.between(...CHURN.episodeCalls);
    const span = rng.between(...CHURN.episodeSpanDays);
    const days = Array.from({ length: nCalls }, (_, k) => (k === 0 ? start : cal.nextWeekday(start + rng.int(span + 1)))).sort((a, b) => a - b);
    let last = start;
    days.forEach((day, k) => {
      const force: Force = k === 0 ? (rng.chance(0.5) ? "missed" : "abandon")
        : k === nCalls - 1 ? (rng.chance(0.6) ? "transfer" : "answer")
        : rng.pick(["transfer", "transfer", "missed", "missed", "answer"] as Force[]);
      add(day, { kind: "call", contact: i, line, topic, sec: inHours(day), force });
      plan.scriptedCalls++;
      last = Math.max(last, day);
    });
    if (rng.chance(CHURN.threadChance)) {
      const day = rng.pick(days);
      add(day, { kind: "thread", contact: i, line, topic, sec: inHours(day), force: null });
      plan.scriptedThreads++;
    }
    const churnDay = Math.min(cal.endDay, last + rng.between(...CHURN.churnLagDays));
    c.churnMs[i] = cal.zone.toUtc(churnDay, rng.between(9 * 3600, 17 * 3600));
    c.cutoffMs[i] = cal.zone.toUtc(start, 0);
    c.churnKind[i] = 1;
    plan.group.push(i);
  }

  for (const i of baselinePool.sort((a, b) => a - b)) {
    const sinceDay = Math.ceil(c.sinceMs[i]! / DAY_MS);
    const lo = Math.max(cal.startDay + 7, sinceDay + 14);
    if (lo > cal.endDay - 1) continue;
    const day = rng.between(lo, cal.endDay - 1);
    c.churnMs[i] = cal.zone.toUtc(day, rng.between(8 * 3600, 18 * 3600));
    c.cutoffMs[i] = c.churnMs[i]! - 3 * DAY_MS;
    c.churnKind[i] = 2;
    plan.baseline.push(i);
  }
  return plan;
}
