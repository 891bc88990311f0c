/**
 * Calendar of the demo business: civil days as integers (days since 1970-01-01), the time
 * zone (offsets from Intl.DateTimeFormat, correct across DST), opening hours, US federal
 * holidays, and the minute-of-day profiles calls and texts are drawn from.
 */
import { holidaysOfYear, US_FEDERAL } from "../../../models/shared/holidays.ts";
import type { Rng } from "./rng.ts";

export const DAY_MS = 86_400_000;

export function parseDay(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`expected a date YYYY-MM-DD, got ${JSON.stringify(s)}`);
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  if (formatDay(day) !== s) throw new Error(`not a calendar date: ${s}`);
  return day;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The Monday of the ISO week holding `day`. */
export function mondayOf(day: number): number {
  return day - (isoWeekday(day) - 1);
}

/** ISO 8601 UTC with a "Z" and whole seconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

export function parseHHMM(s: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) throw new Error(`expected a time HH:MM, got ${JSON.stringify(s)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Wall-clock ↔ UTC for one IANA zone; a day's offset is cached when it does not change. */
export class Zone {
  private readonly dtf: Intl.DateTimeFormat;
  private readonly dayOffsets = new Map<number, number | null>();

  constructor(readonly tz: string) {
    this.dtf = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
  }

  /** Zone offset (local − UTC) in ms at a UTC instant. */
  offsetMs(utcMs: number): number {
    const whole = Math.floor(utcMs / 1000) * 1000;
    const p: Record<string, number> = {};
    for (const part of this.dtf.formatToParts(new Date(whole))) {
      if (part.type !== "literal") p[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
    return asUtc - whole;
  }

  private slowToUtc(localMs: number): number {
    const first = localMs - this.offsetMs(localMs);
    return localMs - this.offsetMs(first);
  }

  /** The UTC instant of local wall time `sec` seconds after midnight of civil day `day`. */
  toUtc(day: number, sec: number): number {
    const extra = Math.floor(sec / 86400);
    const d = day + extra;
    const s = sec - extra * 86400;
    let off = this.dayOffsets.get(d);
    if (off === undefined) {
      const o0 = this.offsetMs(this.slowToUtc(d * DAY_MS));
      const o1 = this.offsetMs(this.slowToUtc((d + 1) * DAY_MS));
      off = o0 === o1 ? o0 : null;
      this.dayOffsets.set(d, off);
    }
    const local = d * DAY_MS + s * 1000;
    return off === null ? this.slowToUtc(local) : local - off;
  }
}

// ---- US federal holidays (observed dates) ----

/** Observed US federal holidays of a year, by name: the date-holidays library (models/shared/holidays.ts). */
export function usFederalHolidays(year: number): Array<{ day: number; name: string }> {
  return holidaysOfYear(year, US_FEDERAL);
}

// ---- opening hours and intraday profiles ----

/** 0 = weekday hours, 1 = Saturday short hours, 2 = closed (Sunday or holiday). */
export type DayKind = 0 | 1 | 2;

export interface DayInfo {
  day: number;
  isoWd: number;
  holiday: string | null;
  kind: DayKind;
  /** Open interval in seconds after local midnight; open === close when closed. */
  openSec: number;
  closeSec: number;
}

const gauss = (x: number, mu: number, sd: number) => Math.exp(-0.5 * ((x - mu) / sd) ** 2);

/** Share of calls that arrive outside opening hours on an open day. */
export const AFTER_HOURS_CALL_SHARE = 0.04;
export const SATURDAY_HOURS = 5;

/** Relative call arrival rate at a local hour (morning and early-afternoon peaks). */
export function callShape(h: number): number {
  return 0.015 + gauss(h, 10.3, 1.3) + 0.85 * gauss(h, 14.3, 1.3) + 0.25 * gauss(h, 17.5, 1.8);
}

/** Relative text arrival rate at a local hour (daytime plus an evening bump). */
export function textShape(h: number): number {
  return 0.01 + 0.8 * gauss(h, 10, 2) + 0.6 * gauss(h, 13.5, 2) + 0.75 * gauss(h, 19.5, 1.8);
}

export class Calendar {
  readonly holidays = new Map<number, string>();
  readonly openMin: number;
  readonly closeMin: number;
  private readonly infos = new Map<number, DayInfo>();
  /** Cumulative minute-of-day weights: calls by DayKind, in-hours-only calls, texts. */
  private readonly callCum: Float64Array[];
  private readonly inHoursCum: Float64Array[];
  private readonly textCum: Float64Array;

  constructor(readonly zone: Zone, readonly startDay: number, readonly endDay: number, open: string, close: string) {
    this.openMin = parseHHMM(open);
    this.closeMin = parseHHMM(close);
    if (this.closeMin <= this.openMin) throw new Error(`closing time ${close} must be after opening time ${open}`);
    const y0 = new Date(startDay * DAY_MS).getUTCFullYear();
    const y1 = new Date(endDay * DAY_MS).getUTCFullYear();
    for (let y = y0 - 1; y <= y1 + 1; y++) for (const h of usFederalHolidays(y)) this.holidays.set(h.day, h.name);
    this.callCum = [0, 1, 2].map((k) => this.buildCallCum(k as DayKind, false));
    this.inHoursCum = [0, 1, 2].map((k) => this.buildCallCum(k as DayKind, true));
    const t = new Float64Array(1440);
    let acc = 0;
    for (let m = 0; m < 1440; m++) t[m] = acc += textShape((m + 0.5) / 60);
    this.textCum = t;
  }

  get days(): number {
    return this.endDay - this.startDay + 1;
  }

  /** Start and end (exclusive) of the generated window as UTC ms. */
  get windowStartMs(): number {
    return this.zone.toUtc(this.startDay, 0);
  }
  get windowEndMs(): number {
    return this.zone.toUtc(this.endDay + 1, 0);
  }

  hoursFor(kind: DayKind): [number, number] {
    if (kind === 2) return [0, 0];
    if (kind === 1) return [this.openMin, Math.min(this.closeMin, this.openMin + SATURDAY_HOURS * 60)];
    return [this.openMin, this.closeMin];
  }

  info(day: number): DayInfo {
    let info = this.infos.get(day);
    if (!info) {
      const isoWd = isoWeekday(day);
      const holiday = this.holidays.get(day) ?? null;
      const kind: DayKind = holiday || isoWd === 7 ? 2 : isoWd === 6 ? 1 : 0;
      const [o, c] = this.hoursFor(kind);
      info = { day, isoWd, holiday, kind, openSec: o * 60, closeSec: c * 60 };
      this.infos.set(day, info);
    }
    return info;
  }

  isOpen(day: number, sec: number): boolean {
    const i = this.info(day);
    return sec >= i.openSec && sec < i.closeSec;
  }

  private buildCallCum(kind: DayKind, inHoursOnly: boolean): Float64Array {
    const [o, c] = this.hoursFor(kind);
    const w = new Float64Array(1440);
    let inSum = 0;
    let outSum = 0;
    for (let m = 0; m < 1440; m++) {
      w[m] = callShape((m + 0.5) / 60);
      if (m >= o && m < c) inSum += w[m]!;
      else outSum += w[m]!;
    }
    const outScale = kind === 2 ? 1 : inHoursOnly ? 0 : outSum > 0 ? (AFTER_HOURS_CALL_SHARE / (1 - AFTER_HOURS_CALL_SHARE)) * (inSum / outSum) : 0;
    let acc = 0;
    for (let m = 0; m < 1440; m++) {
      const inside = m >= o && m < c;
      w[m] = acc += inside ? w[m]! : w[m]! * outScale;
    }
    return w;
  }

  /** A call arrival second of the local day. */
  sampleCallSec(rng: Rng, info: DayInfo): number {
    return rng.weighted(this.callCum[info.kind]!) * 60 + rng.int(60);
  }

  /** A second within opening hours (falls back to any time on closed days). */
  sampleOpenSec(rng: Rng, info: DayInfo): number {
    return rng.weighted(this.inHoursCum[info.kind]!) * 60 + rng.int(60);
  }

  sampleTextSec(rng: Rng): number {
    return rng.weighted(this.textCum) * 60 + rng.int(60);
  }

  /**
   * When a reply written `delaySec` after local time (day, sec) goes out, if agents only reply
   * during opening hours: the same offset, or the next opening plus a short start-of-day lag.
   * Returns local seconds relative to midnight of `day` (may exceed 86400).
   */
  replySec(rng: Rng, day: number, sec: number, delaySec: number): number {
    const t = sec + delaySec;
    let d = day + Math.floor(t / 86400);
    const s = t - (d - day) * 86400;
    const info = this.info(d);
    if (s >= info.openSec && s < info.closeSec) return t;
    if (s < info.openSec) return (d - day) * 86400 + info.openSec + Math.round(rng.lognormal(1200, 0.8));
    for (let k = 1; k < 10; k++) {
      d++;
      const next = this.info(d);
      if (next.kind !== 2) return (d - day) * 86400 + next.openSec + Math.round(rng.lognormal(1200, 0.8));
    }
    return t;
  }

  /** The next day (≥ `day`) that is open on weekday hours (not Saturday, Sunday or a holiday). */
  nextWeekday(day: number): number {
    let d = day;
    while (this.info(d).kind !== 0) d++;
    return d;
  }
}
