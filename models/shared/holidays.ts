/**
 * Holidays from a maintained library (date-holidays: rules for 200 countries and their states,
 * updated as laws change) instead of hand-kept lists. One set of rules (`HolidayRules`) names the
 * country (and optionally state and region), which holiday types count (public by default: in the
 * US the 11 federal holidays) and how a holiday on a weekend is observed:
 *   substitute — where the library gives a substitute day (US: Saturday → Friday, Sunday → Monday),
 *                the substitute day replaces the actual one (5 U.S.C. 6103(b), what the demo uses);
 *   actual     — the actual date only;
 *   both       — both days.
 * Every day keeps the holiday's plain name ("Independence Day", also on its substitute day).
 * Years are computed once per process and rule set (date-holidays needs ~20 ms a year).
 */
import Holidays from "date-holidays";

export type HolidayType = "public" | "bank" | "school" | "optional" | "observance";
export type HolidayRules = {
  country: string;
  state?: string | null | undefined;
  region?: string | null | undefined;
  types: HolidayType[];
  observed: "substitute" | "actual" | "both";
};

export const US_FEDERAL: HolidayRules = { country: "US", types: ["public"], observed: "substitute" };

const DAY_MS = 86_400_000;
const engines = new Map<string, Holidays>();
const years = new Map<string, Array<{ day: number; name: string }>>();

const ruleKey = (r: HolidayRules) => JSON.stringify([r.country, r.state ?? null, r.region ?? null, [...r.types].sort(), r.observed]);

function engine(r: HolidayRules): Holidays {
  const key = JSON.stringify([r.country, r.state ?? null, r.region ?? null]);
  let hd = engines.get(key);
  if (!hd) {
    const problem = holidayRulesProblem(r);
    if (problem) throw new Error(`holidays: ${problem}`);
    hd = r.region ? new Holidays(r.country, r.state ?? "", r.region) : r.state ? new Holidays(r.country, r.state) : new Holidays(r.country);
    engines.set(key, hd);
  }
  return hd;
}

/** Why a rule set cannot be used, or null when date-holidays knows it. */
export function holidayRulesProblem(r: Pick<HolidayRules, "country" | "state" | "region">): string | null {
  const hd = new Holidays();
  const countries = hd.getCountries() ?? {};
  if (!(r.country in countries)) return `date-holidays knows no country ${JSON.stringify(r.country)} (ISO 3166-1 codes such as US, GB, DE)`;
  if (r.state) {
    const states = hd.getStates(r.country) ?? {};
    if (!(r.state in states)) return `date-holidays knows no state ${JSON.stringify(r.state)} of ${r.country} (${Object.keys(states).slice(0, 8).join(", ")}…)`;
    if (r.region) {
      const regions = hd.getRegions(r.country, r.state) ?? {};
      if (!(r.region in regions)) return `date-holidays knows no region ${JSON.stringify(r.region)} of ${r.country}/${r.state}`;
    }
  }
  return null;
}

/** The holidays of one year (day numbers since 1970-01-01, ascending), under the rules. */
export function holidaysOfYear(year: number, r: HolidayRules = US_FEDERAL): Array<{ day: number; name: string }> {
  const key = `${ruleKey(r)}|${year}`;
  const hit = years.get(key);
  if (hit) return hit;
  const list = engine(r).getHolidays(year).filter((h) => (r.types as string[]).includes(h.type));
  const toDay = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
  const plain = (name: string) => name.replace(/\s*\(substitute day\)\s*$/i, "");
  const subs = list.filter((h) => h.substitute);
  const out = new Map<number, string>();
  for (const h of list) {
    const day = toDay(h.date);
    if (h.substitute) {
      if (r.observed !== "actual") out.set(day, plain(h.name));
      continue;
    }
    // The actual day of a holiday that has a substitute (the nearest one of the same name) is dropped under "substitute".
    const replaced = subs.some((s) => plain(s.name) === h.name && Math.abs(toDay(s.date) - day) <= 3);
    if (replaced && r.observed === "substitute") continue;
    if (!out.has(day)) out.set(day, h.name);
  }
  const sorted = [...out].map(([day, name]) => ({ day, name })).sort((a, b) => a.day - b.day);
  years.set(key, sorted);
  return sorted;
}

/** Holidays between two day numbers (inclusive), day → name. */
export function holidaysBetween(fromDays: number, toDays: number, r: HolidayRules = US_FEDERAL): Map<number, string> {
  const y0 = new Date(fromDays * DAY_MS).getUTCFullYear();
  const y1 = new Date(toDays * DAY_MS).getUTCFullYear();
  const out = new Map<number, string>();
  // A substitute day can fall in the year before its holiday (New Year's Day on a Saturday).
  for (let y = y0; y <= y1 + 1; y++) for (const h of holidaysOfYear(y, r)) if (h.day >= fromDays && h.day <= toDays) out.set(h.day, h.name);
  return out;
}

/** US federal holidays, the actual and the observed day, for series with no business calendar (a weekend holiday still dents volume). */
export const US_FEDERAL_BOTH: HolidayRules = { ...US_FEDERAL, observed: "both" };

/** US federal holiday days (actual and observed) of one year. */
export function usFederalHolidays(year: number): number[] {
  return holidaysOfYear(year, US_FEDERAL_BOTH).map((h) => h.day);
}

/** US federal holiday days (actual and observed) between two day numbers (inclusive). */
export function usFederalHolidaySet(fromDays: number, toDays: number): Set<number> {
  return new Set(holidaysBetween(fromDays, toDays, US_FEDERAL_BOTH).keys());
}
