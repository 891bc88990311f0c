/**
 * When the business is open: hours per weekday, holidays (date-holidays, holidays.ts) with their
 * closure or special hours, and special days (a short Christmas Eve, an inventory day). One
 * definition for the `calendar` mart (through the transform's vars), the forecaster's holiday
 * features and its horizon, and the staffing plan (closed intervals get no staff).
 *
 * Config (`business.hours`, `business.holidays`, `business.specialDays`, registered with core):
 *   hours:       { mon: "08:00-20:00", …, sat: "08:00-13:00", sun: closed } — omitted weekdays follow
 *                the demo business: Monday–Friday business.open–business.close, Saturday the first
 *                5 hours, Sunday closed;
 *   holidays:    { country: US, state, region, types: [public], observed: substitute, hours: closed,
 *                  open: ["Columbus Day"] } — `open` lists holidays the business keeps its usual hours on;
 *   specialDays: [{ date: 2026-12-24, hours: "08:00-12:00", name: Christmas Eve }] — these win over both.
 */
import { z } from "zod";
import { registerConfigSection, type Config } from "../../pipelines/core/config.ts";
import { holidayRulesProblem, holidaysBetween, type HolidayRules } from "./holidays.ts";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Weekday = (typeof WEEKDAYS)[number];

const HOURS = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** "HH:MM-HH:MM" (close after open; 24:00 allowed) or "closed". */
const Hours = z.string().refine((s) => s === "closed" || (HOURS.test(s) && toMin(s.slice(6)) > toMin(s.slice(0, 5))), {
  message: 'expected opening hours "HH:MM-HH:MM" (closing after opening) or "closed"',
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD").refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a calendar date");

export const HoursConfigSchema = z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, Hours.optional()])) as Record<Weekday, z.ZodOptional<typeof Hours>>).prefault({});

export const HolidayConfigSchema = z.strictObject({
  /** ISO 3166-1 country code date-holidays knows (US, GB, DE, …), with optional state and region codes. */
  country: z.string().min(2).default("US"),
  state: z.string().nullable().default(null),
  region: z.string().nullable().default(null),
  /** Which holiday types count (date-holidays' types). */
  types: z.array(z.enum(["public", "bank", "school", "optional", "observance"])).min(1).default(["public"]),
  /** A weekend holiday: closed on its substitute (observed) day, its actual day, or both. */
  observed: z.enum(["substitute", "actual", "both"]).default("substitute"),
  /** Hours on a holiday: "closed" or "HH:MM-HH:MM". */
  hours: Hours.default("closed"),
  /** Holidays (by name, as date-holidays spells them) on which the usual hours apply. */
  open: z.array(z.string()).default([]),
}).superRefine((h, ctx) => {
  const problem = holidayRulesProblem(h);
  if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["country"] });
}).prefault({});

export const SpecialDaySchema = z.strictObject({ date: isoDate, hours: Hours, name: z.string().default("special hours") });

export type HoursConfig = z.infer<typeof HoursConfigSchema>;
export type HolidayConfig = z.infer<typeof HolidayConfigSchema>;
export type SpecialDay = z.infer<typeof SpecialDaySchema>;

declare module "../../pipelines/core/config.ts" {
  interface ConfigSections { business: { hours: HoursConfig; holidays: HolidayConfig; specialDays: SpecialDay[] } }
}
registerConfigSection("business.hours", HoursConfigSchema);
registerConfigSection("business.holidays", HolidayConfigSchema);
registerConfigSection("business.specialDays", z.array(SpecialDaySchema).default([]));

/** One day: open and close in minutes after midnight (null when closed), and why. */
export type BusinessDay = { day: number; open: number | null; close: number | null; holiday: string | null; special: string | null };

export type CalendarSettings = {
  open: string; close: string;
  hours?: Partial<Record<Weekday, string | undefined>>;
  holidays?: Partial<HolidayConfig>;
  specialDays?: SpecialDay[];
};

export class BusinessCalendar {
  /** Minutes [open, close) per ISO weekday 1…7, null when closed. */
  readonly weekly: Array<[number, number] | null>;
  readonly rules: HolidayRules;
  readonly holidayHours: [number, number] | null;
  private readonly openOn: Set<string>;
  private readonly special = new Map<number, { hours: [number, number] | null; name: string }>();

  constructor(s: CalendarSettings) {
    const o = toMin(s.open);
    const c = toMin(s.close);
    const demo = (wd: number): [number, number] | null => (wd <= 5 ? [o, c] : wd === 6 ? [o, Math.min(c, o + 5 * 60)] : null);
    this.weekly = [null, ...WEEKDAYS.map((d, i) => { const h = s.hours?.[d]; return h === undefined ? demo(i + 1) : parseHours(h); })];
    const h = s.holidays ?? {};
    this.rules = { country: h.country ?? "US", state: h.state ?? null, region: h.region ?? null, types: h.types ?? ["public"], observed: h.observed ?? "substitute" };
    this.holidayHours = parseHours(h.hours ?? "closed");
    this.openOn = new Set(h.open ?? []);
    for (const d of s.specialDays ?? []) this.special.set(Date.parse(`${d.date}T00:00:00Z`) / 86_400_000, { hours: parseHours(d.hours), name: d.name });
  }

  /** Holidays (day → name) between two day numbers, inclusive. */
  holidays(from: number, to: number): Map<number, string> {
    return holidaysBetween(from, to, this.rules);
  }

  /** Every day in [from, to] with its hours. */
  days(from: number, to: number): BusinessDay[] {
    const hol = this.holidays(from, to);
    const out: BusinessDay[] = [];
    for (let day = from; day <= to; day++) {
      const wd = ((((day + 3) % 7) + 7) % 7) + 1;
      const holiday = hol.get(day) ?? null;
      const sp = this.special.get(day);
      let hours = this.weekly[wd] ?? null;
      if (holiday && !this.openOn.has(holiday)) hours = this.holidayHours;
      if (sp) hours = sp.hours;
      out.push({ day, open: hours?.[0] ?? null, close: hours?.[1] ?? null, holiday, special: sp?.name ?? null });
    }
    return out;
  }

  /** Per day in [from, to], per slot of `minutes`: 1 when the slot overlaps opening hours. */
  openSlots(from: number, to: number, minutes: number): Uint8Array {
    const S = 1440 / minutes;
    const days = this.days(from, to);
    const out = new Uint8Array(days.length * S);
    days.forEach((d, i) => {
      if (d.open === null || d.close === null) return;
      for (let s = 0; s < S; s++) if (s * minutes + minutes > d.open && s * minutes < d.close) out[i * S + s] = 1;
    });
    return out;
  }
}

function parseHours(h: string): [number, number] | null {
  return h === "closed" ? null : [toMin(h.slice(0, 5)), toMin(h.slice(6))];
}

export function businessCalendar(config: Pick<Config, "business">): BusinessCalendar {
  const b = config.business;
  return new BusinessCalendar({ open: b.open, close: b.close, hours: b.hours, holidays: b.holidays, specialDays: b.specialDays });
}

/** Years the calendar mart's holiday list covers (the data may start years back; the horizon runs ahead). */
export const CALENDAR_YEARS = { from: 2010, ahead: 5 };

/**
 * The transform's vars for the calendar mart: every day's hours as JSON only for days that differ
 * from the weekly pattern (holidays, special days), and the weekly pattern itself.
 */
export function calendarTransformVars(config: Pick<Config, "business">, now = new Date()): Record<string, string> {
  const cal = businessCalendar(config);
  const from = Date.UTC(CALENDAR_YEARS.from, 0, 1) / 86_400_000;
  const to = Date.UTC(now.getUTCFullYear() + CALENDAR_YEARS.ahead, 11, 31) / 86_400_000;
  const hhmm = (m: number | null) => (m === null ? null : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  const hol = cal.holidays(from, to);
  const specialDays = config.business.specialDays.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 86_400_000);
  const exceptions = [...new Set([...hol.keys(), ...specialDays])].sort((a, b) => a - b).flatMap((d) => cal.days(d, d));
  return {
    calendar_weekly_json: JSON.stringify(cal.weekly.slice(1).map((h, i) => ({ iso_weekday: i + 1, open_time: hhmm(h?.[0] ?? null), close_time: hhmm(h?.[1] ?? null) }))),
    calendar_days_json: JSON.stringify(exceptions.map((d) => ({
      date: new Date(d.day * 86_400_000).toISOString().slice(0, 10), holiday: d.holiday, special: d.special, open_time: hhmm(d.open), close_time: hhmm(d.close),
    }))),
  };
}
