/**
 * Every number and date the report prints goes through here, so the same value always reads the same:
 * counts "12,345"; rates "87.3%"; NPS "42.1"; durations "4:05"; missing "n/a"; a negative number with a true minus sign
 * ("−12.5"), never a hyphen that reads as a dash.
 * Rounding is half away from zero on the decimal value (float noise such as 87.24999999999999 is removed first).
 */
export const NA = "n/a";

const intFmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0, signDisplay: "negative" });
const oneDpFmt = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: "negative",
});

const present = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

/** Strip binary float noise so decimal rounding behaves as a reader expects. */
const clean = (v: number): number => Number(v.toPrecision(12));

const minus = (s: string) => s.replace(/^-/, "−");

/** 12345 → "12,345"; -3 → "−3" */
export function fmtCount(v: number | null | undefined): string {
  return present(v) ? minus(intFmt.format(clean(v))) : NA;
}

/** One decimal with grouping: 42.06 → "42.1", -3 → "−3.0" (U+2212). */
export function fmtOneDp(v: number | null | undefined): string {
  return present(v) ? minus(oneDpFmt.format(clean(v))) : NA;
}

/** A 0..1 ratio as a percentage: 0.873 → "87.3%". */
export function fmtRatio(v: number | null | undefined): string {
  return present(v) ? `${fmtOneDp(v * 100)}%` : NA;
}

/** A value already on 0..100 as a percentage: 91.24 → "91.2%". */
export function fmtPercent(v: number | null | undefined): string {
  return present(v) ? `${fmtOneDp(v)}%` : NA;
}

/** An NPS (-100..100): 42.06 → "42.1". */
export function fmtNps(v: number | null | undefined): string {
  return fmtOneDp(v);
}

/** Seconds as m:ss (h:mm:ss from an hour): 245 → "4:05". Negative values keep a leading "-". */
export function fmtDuration(v: number | null | undefined): string {
  if (!present(v)) return NA;
  const total = Math.round(Math.abs(clean(v)));
  const sign = v < 0 && total > 0 ? "-" : "";
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, "0")}:${s}` : `${sign}${m}:${s}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function parts(iso: string) {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`not a date: ${iso}`);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(), wd: d.getUTCDay() };
}

/** "2026-11-10" → "Tue 10 Nov" */
export function fmtDay(iso: string): string {
  const p = parts(iso);
  return `${DAYS[p.wd]} ${p.d} ${MONTHS[p.m]}`;
}

/** "2026-11-09","2026-11-15" → "9–15 Nov 2026"; across months/years the parts are repeated. */
export function fmtRange(start: string, end: string): string {
  const a = parts(start);
  const b = parts(end);
  if (a.y !== b.y) return `${a.d} ${MONTHS[a.m]} ${a.y} – ${b.d} ${MONTHS[b.m]} ${b.y}`;
  if (a.m !== b.m) return `${a.d} ${MONTHS[a.m]} – ${b.d} ${MONTHS[b.m]} ${b.y}`;
  return `${a.d}–${b.d} ${MONTHS[b.m]} ${b.y}`;
}

/** A raw category id as a reader sees it: "billing_dispute" → "Billing dispute", "new_order" → "New order". */
export function fmtLabel(id: string): string {
  const s = id.replace(/[_-]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "2026-11" → "Nov 2026" (one date style: day month year, months by name). */
export function fmtMonth(ym: string): string {
  return `${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;
}

/** An interval without a dash that reads as a minus sign: "−50.8 to 25.8". */
export function fmtInterval(lo: number | null | undefined, hi: number | null | undefined, fmt: (v: number) => string = fmtOneDp): string {
  return present(lo) && present(hi) ? `${fmt(lo)} to ${fmt(hi)}` : NA;
}

/** "12 of 30 days": how much of a period the data covers. */
export function fmtShare(part: number, whole: number, noun: string): string {
  return `${fmtCount(part)} of ${fmtCount(whole)} ${noun}`;
}
