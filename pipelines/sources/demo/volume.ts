/**
 * How many calls and text threads arrive per day, line and topic: growth trend, yearly season,
 * day-of-week profile, holidays, the Monday login spike and the outage week.
 */
import { Calendar, mondayOf } from "./calendar.ts";
import { GROWTH_PER_YEAR } from "./population.ts";
import type { Rng } from "./rng.ts";
import { DEMO_TOPICS, LINE_NAMES, TOPIC_INDEX, type LineName, type TopicId } from "./topics.ts";

export const LINE_MIX: Record<LineName, number> = { Sales: 0.28, Support: 0.5, Billing: 0.22 };
export const TOPIC_MIX: Record<LineName, Partial<Record<TopicId, number>>> = {
  Sales: { pricing: 0.4, new_order: 0.38, appointment: 0.22 },
  Support: { login: 0.24, outage: 0.03, technical: 0.25, appointment: 0.22, cancellation: 0.1, billing_dispute: 0.07 },
  Billing: { payment: 0.5, billing_dispute: 0.3, cancellation: 0.2 },
};
/** Relative volume by ISO weekday (index 1 = Monday … 7 = Sunday). */
export const DOW_PROFILE = [0, 1.12, 1.05, 1.0, 0.98, 0.9, 0.3, 0.12];
export const HOLIDAY_FACTOR = 0.12;
export const SEASON_AMPLITUDE = 0.08;
/** Day of year of the seasonal peak (early summer). */
export const SEASON_PEAK_DOY = 172;
export const MONDAY_SPIKE = { topic: "login" as TopicId, weekday: 1, factor: 3 };
export const OUTAGE = { topic: "outage" as TopicId, line: "Support" as LineName, factor: 9, weeksBack: [10, 20] as const };
/** Texts per topic relative to its calls. */
export const TEXT_AFFINITY: Record<TopicId, number> = {
  login: 0.9, outage: 1.3, billing_dispute: 0.8, payment: 1.3, pricing: 1.0,
  new_order: 0.9, cancellation: 0.8, technical: 0.7, appointment: 1.6,
};
export const THREADS_PER_CALL = 0.16;
export const OUTGOING_PER_INCOMING = 0.08;
/** Topics of outgoing calls (follow-ups; never login or outage, so the planted spikes stay clean). */
export const OUTGOING_TOPICS: Array<[LineName, TopicId, number]> = [
  ["Sales", "pricing", 0.3], ["Sales", "new_order", 0.25], ["Support", "appointment", 0.2],
  ["Support", "technical", 0.1], ["Billing", "payment", 0.1], ["Billing", "cancellation", 0.05],
];

export interface Cell {
  line: number;
  topic: number;
  share: number;
  textShare: number;
}

export function pickOutageWeek(rng: Rng, cal: Calendar): number | null {
  const endMonday = mondayOf(cal.endDay);
  const lastFull = cal.endDay - endMonday === 6 ? 0 : 1;
  const maxK = Math.floor((endMonday - cal.startDay) / 7);
  if (maxK < lastFull) return null;
  const lo = Math.min(OUTAGE.weeksBack[0], maxK);
  const hi = Math.min(OUTAGE.weeksBack[1], maxK);
  const hasHoliday = (k: number) => [0, 1, 2, 3, 4, 5, 6].some((d) => cal.holidays.has(endMonday - 7 * k + d));
  let k = Math.max(lastFull, rng.between(lo, hi));
  for (let step = 0; step < 4 && hasHoliday(k); step++) {
    if (k + 1 <= maxK && !hasHoliday(k + 1)) k++;
    else if (k - 1 >= Math.max(lastFull, 1) && !hasHoliday(k - 1)) k--;
    else break;
  }
  return endMonday - 7 * k;
}

export class Volume {
  readonly cells: Cell[] = [];
  readonly base: number;
  private readonly mult: Float64Array;
  private readonly loginMult: Float64Array;
  private readonly outageCells = new Set<number>();
  private readonly loginTopic = TOPIC_INDEX.login;

  /** `targetIncoming`: incoming calls wanted over the window from the random (non-scripted) flow. */
  constructor(readonly cal: Calendar, readonly outageWeekStart: number | null, targetIncoming: number) {
    LINE_NAMES.forEach((name, li) => {
      const mix = TOPIC_MIX[name];
      const total = Object.values(mix).reduce((a, b) => a + b, 0);
      for (const [id, w] of Object.entries(mix) as Array<[TopicId, number]>) {
        const share = (LINE_MIX[name] * w) / total;
        const topic = TOPIC_INDEX[id];
        if (id === OUTAGE.topic && name === OUTAGE.line) this.outageCells.add(this.cells.length);
        this.cells.push({ line: li, topic, share, textShare: share * TEXT_AFFINITY[id] });
      }
    });
    const n = cal.days;
    this.mult = new Float64Array(n);
    this.loginMult = new Float64Array(n);
    const g = Math.log(1 + GROWTH_PER_YEAR);
    const weekdayMean = (DOW_PROFILE[1]! + DOW_PROFILE[2]! + DOW_PROFILE[3]! + DOW_PROFILE[4]! + DOW_PROFILE[5]!) / 5;
    let sum = 0;
    for (let di = 0; di < n; di++) {
      const info = cal.info(cal.startDay + di);
      const trend = Math.exp((g * di) / 365.25);
      const doy = dayOfYear(cal.startDay + di);
      const season = 1 + SEASON_AMPLITUDE * Math.cos((2 * Math.PI * (doy - SEASON_PEAK_DOY)) / 365.25);
      const hol = info.holiday ? HOLIDAY_FACTOR : 1;
      const common = trend * season * hol;
      this.mult[di] = common * DOW_PROFILE[info.isoWd]!;
      // Login ignores the weekday-to-weekday profile so Monday is exactly `factor` × other weekdays.
      this.loginMult[di] = info.isoWd <= 5
        ? common * weekdayMean * (info.isoWd === MONDAY_SPIKE.weekday ? MONDAY_SPIKE.factor : 1)
        : this.mult[di]!;
      this.cells.forEach((cell, ci) => (sum += cell.share * this.cellMult(di, cell, ci)));
    }
    this.base = sum > 0 ? targetIncoming / sum : 0;
  }

  inOutageWeek(day: number): boolean {
    return this.outageWeekStart !== null && day >= this.outageWeekStart && day < this.outageWeekStart + 7;
  }

  private cellMult(di: number, cell: Cell, ci: number): number {
    const m = cell.topic === this.loginTopic ? this.loginMult[di]! : this.mult[di]!;
    return this.outageCells.has(ci) && this.inOutageWeek(this.cal.startDay + di) ? m * OUTAGE.factor : m;
  }

  callLambda(di: number, ci: number): number {
    const cell = this.cells[ci]!;
    return this.base * cell.share * this.cellMult(di, cell, ci);
  }

  threadLambda(di: number, ci: number): number {
    const cell = this.cells[ci]!;
    return this.base * THREADS_PER_CALL * cell.textShare * this.cellMult(di, cell, ci);
  }

  /** Expected incoming calls on day index di (all cells). */
  dayCalls(di: number): number {
    let s = 0;
    for (let ci = 0; ci < this.cells.length; ci++) s += this.callLambda(di, ci);
    return s;
  }
}

function dayOfYear(day: number): number {
  const d = new Date(day * 86_400_000);
  return day - Date.UTC(d.getUTCFullYear(), 0, 1) / 86_400_000 + 1;
}

export const TOPIC_IDS = DEMO_TOPICS.map((t) => t.id);
