/**
 * The data-freshness line: the newest interaction in the marts and the last successful pipeline refresh
 * (the last extract or transform stage that finished) from the run ledger. Report runs themselves do not
 * count, so rendering the same report twice prints the same line.
 */
import type { Db } from "../../pipelines/core/duckdb.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { martAvailable, query } from "./sql.ts";

export type Freshness = { latestData: string | null; lastRefresh: string | null; lastRefreshRun: string | null; text: string };

/** An ISO instant as "YYYY-MM-DD HH:MM" in the business time zone. */
export function localTime(iso: string, timeZone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

const REFRESH_STAGES = new Set(["extract", "transform"]);

export function lastRefresh(ledgerPath: string): { at: string; runId: string; command: string } | null {
  // Stage entries, not whole runs: the report stage of `commsight run` reads the transform of its own, unfinished run.
  const done = readLedger(ledgerPath).filter((e) => e.status === "ok" && e.endedAt && REFRESH_STAGES.has(e.stage));
  const last = done.sort((a, b) => b.endedAt!.localeCompare(a.endedAt!))[0];
  return last ? { at: last.endedAt!, runId: last.runId, command: last.command } : null;
}

export async function freshness(db: Db, paths: Paths, timeZone: string): Promise<Freshness> {
  const [r] = martAvailable(paths, "interactions") ? await query<{ latest: string | null }>(db, paths, "latest_data") : [];
  const run = lastRefresh(paths.ledger);
  const latestData = r?.latest ?? null;
  const lastAt = run ? localTime(run.at, timeZone) : null;
  const text = `Data up to ${latestData ?? "unknown"}; last refreshed ${lastAt ?? "(not recorded)"}; times in ${timeZone}.`;
  return { latestData, lastRefresh: lastAt, lastRefreshRun: run?.runId ?? null, text };
}
