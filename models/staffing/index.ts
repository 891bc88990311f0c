/**
 * The staffing plan from the coherent intraday forecast, for every open interval of the horizon
 * (the business calendar: closed intervals, Sundays and holidays get no staff) and every queue:
 *   calls per line ('dedicated': that line's agents answer only its calls) and 'All' ('pooled':
 *   every agent answers every line, fully cross-skilled) — Erlang C (and A) agents for the service
 *   target, at least `minAgents`, scheduled = ⌈agents ÷ (1 − shrinkage)⌉;
 *   messages per line and 'All', staffed as an asynchronous channel (messages.ts);
 * then shifts per day and queue that cover every open interval's scheduled agents at least paid
 * hours (shifts.ts; a day whose program was solved the night before is answered from shiftMemo.ts).
 * Writes the `staffing` and `shift_plan` marts and the planners' CSV.
 */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exec, sqlTemplate, type Db } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import type { BusinessCalendar } from "../shared/businessCalendar.ts";
import { isoDow } from "../shared/dates.ts";
import { loadTable, writeMart } from "../shared/mart.ts";
import type { Path, SeriesBundle } from "../shared/series.ts";
import type { StaffingConfig } from "./config.ts";
import { staffingCsvSql } from "./csv.ts";
import { scheduledFor } from "./erlangC.ts";
import { loadHistory } from "./history.ts";
import { messageStaffing } from "./messages.ts";
import { planInterval } from "./plan.ts";
import { openShiftMemo } from "./shiftMemo.ts";
import { shiftCandidates } from "./shifts.ts";

export const STAFFING_MART = "staffing";
export const SHIFT_MART = "shift_plan";
const SQL = join(import.meta.dirname, "sql");

export type QueueSummary = {
  line: string; channel: string; pooling: string;
  paidHours: number; lpBoundHours: number; requiredHours: number; rosteredHours: number; uncoveredIntervals: number; openIntervals: number;
};

export type StaffingResult = {
  mart: string; shiftMart: string; csv: string; rows: number; shiftRows: number; ahtSource: string; linesWithPatience: string[];
  queues: QueueSummary[];
};

const pooling = (line: string, all: string) => (line === all ? "pooled" : "dedicated");

type Row = {
  day: number; slot: number; line: string; channel: string; forecast: number; lower80: number; upper80: number; offered: number;
  aht: number; patience: number; work: number; agents: number; agentsUpper: number; agentsA: number; scheduled: number;
  sl: number; asa: number; occupancy: number; abandon: number; method: string;
};

export async function buildStaffing(
  db: Db, paths: Paths, cfg: StaffingConfig, cal: BusinessCalendar, b: SeriesBundle, origin: number, fc: Path[], version: string,
): Promise<StaffingResult> {
  const minutes = cfg.intervalMinutes;
  const intervalSeconds = minutes * 60;
  const history = await loadHistory(db, paths, minutes, cfg.lookbackDays);
  const g = b.grid;
  if (!g.open) throw new Error("staffing: the intraday series carry no opening hours");
  const rows: Row[] = [];
  const withPatience = new Set<string>();
  const msg = { ...cfg.messages, maxOccupancy: cfg.maxOccupancy };
  b.keys.forEach((key, s) => {
    const p = fc[s]!;
    let backlog = 0;
    for (let h = 1; h <= p.forecast.length; h++) {
      const t = origin + h;
      const f = p.forecast[h - 1]!;
      if (!g.open![t]) { if (key.channel === "message") backlog += f; continue; }
      const day = g.dayNumber[g.dayOf[t]!]!;
      const slot = g.slotOf[t]!;
      const base = { day, slot, line: key.line, channel: key.channel, forecast: f, lower80: p.lower80[h - 1]!, upper80: p.upper80[h - 1]! };
      if (key.channel === "message") {
        const offered = f + backlog;
        backlog = 0;
        const m = messageStaffing(offered, intervalSeconds, msg);
        rows.push({ ...base, offered, aht: cfg.messages.handleSeconds, patience: NaN, work: m.workErlangs, agents: m.agents, agentsUpper: NaN, agentsA: NaN,
          scheduled: scheduledFor(m.agents, cfg.shrinkage), sl: m.serviceLevel, asa: m.asaSeconds, occupancy: m.occupancy, abandon: NaN, method: "message_concurrency" });
        continue;
      }
      const aht = history.aht(key.line, isoDow(day) + 1, slot);
      const patience = history.patience(key.line);
      if (patience !== null) withPatience.add(key.line);
      const plan = planInterval({ calls: f, upper80: p.upper80[h - 1]!, ahtSeconds: aht, patienceSeconds: patience }, intervalSeconds, cfg);
      rows.push({ ...base, offered: cfg.staffTo === "upper80" ? p.upper80[h - 1]! : f, aht, patience: patience ?? NaN, work: plan.workErlangs,
        agents: Math.max(plan.agentsNeeded, cfg.minAgents), agentsUpper: plan.agentsNeededUpper80, agentsA: plan.agentsErlangA ?? NaN, scheduled: plan.scheduled,
        sl: plan.serviceLevel, asa: Number.isFinite(plan.asaSeconds) ? plan.asaSeconds : NaN, occupancy: plan.occupancy, abandon: plan.probAbandon ?? NaN,
        method: cfg.method === "erlang_a" && patience !== null ? "erlang_a" : "erlang_c" });
    }
  });

  // Shifts per queue and day over the scheduled agents.
  const rostered = new Map<string, number>();
  const shiftCols = { date: [] as number[], line: [] as string[], channel: [] as string[], shift: [] as string[], start: [] as number[], end: [] as number[],
    breakStart: [] as number[], breakMin: [] as number[], paid: [] as number[], agents: [] as number[], dayPaid: [] as number[], dayLp: [] as number[] };
  const queues: QueueSummary[] = [];
  const S = g.S;
  const memo = openShiftMemo(paths);
  for (const key of b.keys) {
    const qRows = rows.filter((r) => r.line === key.line && r.channel === key.channel);
    const summary: QueueSummary = { line: key.line, channel: key.channel, pooling: pooling(key.line, "All"), paidHours: 0, lpBoundHours: 0, requiredHours: 0, rosteredHours: 0, uncoveredIntervals: 0, openIntervals: qRows.length };
    const days = [...new Set(qRows.map((r) => r.day))].sort((a, z) => a - z);
    for (const day of days) {
      const info = cal.days(day, day)[0]!;
      if (info.open === null || info.close === null) continue;
      const required = new Array<number>(S).fill(0);
      for (const r of qRows) if (r.day === day) required[r.slot] = r.scheduled;
      const plan = await memo.plan(required, shiftCandidates(info.open, info.close, minutes, cfg.shifts.templates), { timeLimit: cfg.shifts.maxSolveSeconds });
      summary.paidHours += plan.paidHours;
      summary.lpBoundHours += plan.lpBoundHours;
      summary.uncoveredIntervals += plan.uncovered.length;
      for (const r of qRows) if (r.day === day) { rostered.set(`${key.line}|${key.channel}|${day}|${r.slot}`, plan.rostered[r.slot]!); summary.requiredHours += (r.scheduled * minutes) / 60; summary.rosteredHours += (plan.rostered[r.slot]! * minutes) / 60; }
      for (const sh of plan.shifts) {
        const c = sh.candidate;
        shiftCols.date.push(day); shiftCols.line.push(key.line); shiftCols.channel.push(key.channel); shiftCols.shift.push(c.template);
        shiftCols.start.push(c.start); shiftCols.end.push(c.end); shiftCols.breakStart.push(c.breakStart ?? NaN); shiftCols.breakMin.push(c.breakMinutes);
        shiftCols.paid.push(c.paidMinutes / 60); shiftCols.agents.push(sh.count); shiftCols.dayPaid.push(plan.paidHours); shiftCols.dayLp.push(plan.lpBoundHours);
      }
    }
    queues.push(summary);
  }
  memo.save();
  log.debug({ solved: memo.solved, reused: memo.reused }, "staffing: shift programs solved and reused");

  const num = (name: string, values: number[]) => ({ name, type: "DOUBLE" as const, values });
  const str = (name: string, values: string[]) => ({ name, type: "VARCHAR" as const, values });
  const col = <K extends keyof Row>(k: K) => rows.map((r) => r[k] as number);
  await loadTable(db, "staffing_rows", [
    { name: "date", type: "DATE", values: col("day") }, num("slot", col("slot")), str("line", rows.map((r) => r.line)), str("channel", rows.map((r) => r.channel)),
    num("forecast", col("forecast")), num("lower80", col("lower80")), num("upper80", col("upper80")), num("offered", col("offered")),
    num("aht_seconds", col("aht")), num("patience_seconds", col("patience")), num("workload_erlangs", col("work")),
    num("agents_needed", col("agents")), num("agents_needed_upper80", col("agentsUpper")), num("agents_erlang_a", col("agentsA")),
    num("scheduled", col("scheduled")), num("rostered", rows.map((r) => rostered.get(`${r.line}|${r.channel}|${r.day}|${r.slot}`) ?? 0)),
    num("service_level", col("sl")), num("asa_seconds", col("asa")), num("occupancy", col("occupancy")), num("abandon_rate", col("abandon")),
    str("method", rows.map((r) => r.method)),
  ]);
  const vars = { interval_minutes: String(minutes), version: version.replaceAll("'", "''"), shrinkage: String(cfg.shrinkage), target_sl: String(cfg.targetServiceLevel), target_seconds: String(cfg.targetSeconds) };
  const mart = await writeMart(db, paths, STAFFING_MART, sqlTemplate(join(SQL, "staffing_mart.sql"), vars));
  await loadTable(db, "shift_rows", [
    { name: "date", type: "DATE", values: shiftCols.date }, str("line", shiftCols.line), str("channel", shiftCols.channel), str("shift", shiftCols.shift),
    num("start_minute", shiftCols.start), num("end_minute", shiftCols.end), num("break_minute", shiftCols.breakStart), num("break_minutes", shiftCols.breakMin),
    num("paid_hours", shiftCols.paid), num("agents", shiftCols.agents), num("day_paid_hours", shiftCols.dayPaid), num("day_lp_bound_hours", shiftCols.dayLp),
  ]);
  const shifts = await writeMart(db, paths, SHIFT_MART, sqlTemplate(join(SQL, "shift_plan_mart.sql"), vars));
  const csv = await exportCsv(db, paths, rows.length ? Math.min(...rows.map((r) => r.day)) : 0);
  return { mart: mart.path, shiftMart: shifts.path, csv, rows: mart.rows, shiftRows: shifts.rows, ahtSource: history.source, linesWithPatience: [...withPatience].sort(), queues };
}

/** data/exports/staffing-<first day>.csv (the planners' CSV, staffing_csv.sql), written through a temporary file and renamed. */
async function exportCsv(db: Db, paths: Paths, firstDay: number): Promise<string> {
  const dir = join(paths.data, "exports");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `staffing-${new Date(firstDay * 86_400_000).toISOString().slice(0, 10)}.csv`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await exec(db, staffingCsvSql(join(paths.marts, STAFFING_MART, "data.parquet"), tmp));
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return file;
}
