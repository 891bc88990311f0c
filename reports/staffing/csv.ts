/** The staffing plan as CSV for planners' spreadsheets: one row per interval, raw numbers (no formatting). */
import type { StaffingRow } from "../shared/staffing.ts";

export const CSV_COLUMNS = [
  "interval_start", "date", "line", "interval_minutes", "forecast_calls", "lower80", "upper80", "aht_seconds", "agents_needed", "scheduled_agents",
] as const;

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function field(v: string | number | null): string {
  if (v === null) return "";
  const s = typeof v === "number" ? String(Number(v.toPrecision(12))) : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(rows: readonly StaffingRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    lines.push([r.interval_start, r.date, r.line, r.interval_minutes, r.forecast, r.lower, r.upper, r.aht_seconds, r.agents, r.scheduled].map(field).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
