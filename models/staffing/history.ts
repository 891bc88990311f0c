/**
 * What staffing takes from call history (the `calls` mart): average handle time per line, weekday
 * and interval of the day, and each line's mean patience (for Erlang A). Without the mart, or for
 * an interval never seen, handle time falls back to the line's average, then every line's, then
 * DEFAULT_AHT_SECONDS.
 */
import { join } from "node:path";
import { sqlTemplate, type Db } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import { readColumns } from "../shared/columnar.ts";
import { martExists } from "../../pipelines/core/paths.ts";

export const DEFAULT_AHT_SECONDS = 300;
/** Weight (in calls) of the line average when shrinking an interval's handle time toward it. */
const PRIOR_CALLS = 10;
/** Fewer abandoned calls than this: patience is not estimated (Erlang A not used). */
const MIN_ABANDONED = 20;
const SQL = join(import.meta.dirname, "sql");

export type History = {
  aht(line: string, isoWeekday: number, slot: number): number;
  patience(line: string): number | null;
  source: "calls" | "default";
};

export async function loadHistory(db: Db, paths: Paths, intervalMinutes: number, lookbackDays: number): Promise<History> {
  if (!martExists(paths, "calls")) {
    return { aht: () => DEFAULT_AHT_SECONDS, patience: () => null, source: "default" };
  }
  const vars = {
    calls: martScan(paths, "calls"), interval_minutes: String(intervalMinutes), lookback_days: String(lookbackDays),
    prior_calls: String(PRIOR_CALLS), min_abandoned: String(MIN_ABANDONED),
  };
  const h = await readColumns(db, sqlTemplate(join(SQL, "handle_times.sql"), vars));
  const bySlot = new Map<string, number>();
  const byLine = new Map<string, number>();
  const line = h.str("line");
  const wd = h.num("iso_weekday");
  const slot = h.num("slot");
  const aht = h.num("aht_seconds");
  const lineAht = h.num("line_aht_seconds");
  for (let r = 0; r < h.rowCount; r++) {
    bySlot.set(`${line[r]}|${wd[r]}|${slot[r]}`, aht[r]!);
    byLine.set(line[r] ?? "", lineAht[r]!);
  }
  const p = await readColumns(db, sqlTemplate(join(SQL, "patience.sql"), vars));
  const patience = new Map<string, number>();
  const pl = p.str("line");
  const ps = p.num("patience_seconds");
  for (let r = 0; r < p.rowCount; r++) if (Number.isFinite(ps[r]!)) patience.set(pl[r] ?? "", ps[r]!);
  return {
    aht: (l, w, s) => bySlot.get(`${l}|${w}|${s}`) ?? byLine.get(l) ?? byLine.get("All") ?? DEFAULT_AHT_SECONDS,
    patience: (l) => patience.get(l) ?? null,
    source: "calls",
  };
}
