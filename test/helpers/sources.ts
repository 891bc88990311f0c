/** Reading the demo's source NDJSON in plain JS, for independent checks of what the marts say. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function readEntity<T = Record<string, unknown>>(sourceDir: string, path: string): T[] {
  const full = join(sourceDir, path);
  if (!existsSync(full)) return [];
  const files = full.endsWith(".ndjson") ? [full] : readdirSync(full).filter((f) => f.endsWith(".ndjson")).sort().map((f) => join(full, f));
  return files.flatMap((f) => readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as T));
}

/** The business-local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
}

/** Monday of the ISO week a YYYY-MM-DD date falls in. */
export function weekStart(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}
