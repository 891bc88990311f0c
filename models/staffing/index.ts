/**
 * Staffing from the intraday call forecast: for every business-hours interval of the horizon and
 * every line (and 'All', pooled), the agents Erlang C (and Erlang A) need for the configured
 * service level, occupancy cap and shrinkage, with handle times and patience from call history.
 * Writes the `staffing` mart and a CSV for planners under data/exports/.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exec, lit, sqlTemplate, type Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { isoDow } from "../shared/dates.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import type { Path, SeriesBundle } from "../shared/series.ts";
import type { StaffingConfig } from "./config.ts";
import { loadHistory } from "./history.ts";
import { planInterval } from "./plan.ts";

export const STAFFING_MART = "staffing";
const SQL = join(import.meta.dirname, "sql");

export type StaffingResult = { mart: string; csv: string; rows: number; ahtSource: string; linesWithPatience: string[] };

export async function buildStaffing(
  db: Db, paths: Paths, cfg: StaffingConfig, b: SeriesBundle, origin: number, fc: Path[], version: string,
): Promise<StaffingResult> {
  const minutes = cfg.intervalMinutes;
  const history = await loadHistory(db, paths, minutes, cfg.lookbackDays);
  const g = b.grid;
  const cols = {
    date: [] as number[], slot: [] as number[], line: [] as string[],
    forecast: [] as number[], lower80: [] as number[], upper80: [] as number[], aht: [] as number[], patience: [] as number[],
    agents: [] as number[], agentsUpper: [] as number[], agentsA: [] as number[], scheduled: [] as number[],
    sl: [] as number[], occupancy: [] as number[], abandon: [] as number[],
  };
  const withPatience = new Set<string>();
  b.keys.forEach((key, s) => {
    if (key.channel !== "call") return;
    const p = fc[s]!;
    for (let h = 1; h <= p.forecast.length; h++) {
      const t = origin + h;
      if (g.open && !g.open[t]) continue;
      const day = g.dayNumber[g.dayOf[t]!]!;
      const slot = g.slotOf[t]!;
      const aht = history.aht(key.line, isoDow(day) + 1, slot);
      const patience = history.patience(key.line);
      if (patience !== null) withPatience.add(key.line);
      const plan = planInterval({ calls: p.forecast[h - 1]!, upper80: p.upper80[h - 1]!, ahtSeconds: aht, patienceSeconds: patience }, minutes * 60, cfg);
      cols.date.push(day); cols.slot.push(slot); cols.line.push(key.line);
      cols.forecast.push(p.forecast[h - 1]!); cols.lower80.push(p.lower80[h - 1]!); cols.upper80.push(p.upper80[h - 1]!);
      cols.aht.push(aht); cols.patience.push(patience ?? NaN);
      cols.agents.push(plan.agentsNeeded); cols.agentsUpper.push(plan.agentsNeededUpper80); cols.agentsA.push(plan.agentsErlangA ?? NaN);
      cols.scheduled.push(plan.scheduled); cols.sl.push(plan.serviceLevel); cols.occupancy.push(plan.occupancy); cols.abandon.push(plan.probAbandon ?? NaN);
    }
  });
  const num = (name: string, values: number[]) => ({ name, type: "DOUBLE" as const, values });
  await loadTable(db, "staffing_rows", [
    { name: "date", type: "DATE", values: cols.date }, num("slot", cols.slot), { name: "line", type: "VARCHAR", values: cols.line },
    num("forecast", cols.forecast), num("lower80", cols.lower80), num("upper80", cols.upper80),
    num("aht_seconds", cols.aht), num("patience_seconds", cols.patience),
    num("agents_needed", cols.agents), num("agents_needed_upper80", cols.agentsUpper), num("agents_erlang_a", cols.agentsA),
    num("scheduled", cols.scheduled), num("service_level", cols.sl), num("occupancy", cols.occupancy), num("abandon_rate", cols.abandon),
  ]);
  const select = sqlTemplate(join(SQL, "staffing_mart.sql"), {
    interval_minutes: String(minutes), version: version.replaceAll("'", "''"),
    method: cfg.method, staff_to: cfg.staffTo, shrinkage: String(cfg.shrinkage),
    target_sl: String(cfg.targetServiceLevel), target_seconds: String(cfg.targetSeconds),
  });
  const mart = await writeMart(db, paths, STAFFING_MART, select);
  const csv = await exportCsv(db, paths, cols.date.length ? Math.min(...cols.date) : 0);
  return { mart: mart.path, csv, rows: mart.rows, ahtSource: history.source, linesWithPatience: [...withPatience].sort() };
}

/** data/exports/staffing-<first day>.csv, written through a temporary file and renamed. */
async function exportCsv(db: Db, paths: Paths, firstDay: number): Promise<string> {
  const dir = join(paths.data, "exports");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `staffing-${new Date(firstDay * 86_400_000).toISOString().slice(0, 10)}.csv`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await exec(db, sqlTemplate(join(SQL, "staffing_csv.sql"), { mart: lit(join(paths.marts, STAFFING_MART, "data.parquet")), out: lit(tmp) }));
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return file;
}
