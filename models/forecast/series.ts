/**
 * The series the pipeline forecasts: incoming interactions per line × channel and 'All' lines per
 * channel, daily (from `daily_volume`) or per interval of the day (from `interactions`), laid on a
 * dense calendar grid that runs `futureDays` past the data. Holidays come from the `calendar` mart
 * and, where it does not reach (the horizon), from the US federal calendar.
 */
import { join } from "node:path";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { sqlTemplate } from "../../pipelines/core/duckdb.ts";
import { martScan, type Paths } from "../../pipelines/core/paths.ts";
import { readColumns } from "../shared/columnar.ts";
import { calendarGrid } from "../shared/grid.ts";
import { usFederalHolidaySet } from "../shared/holidays.ts";
import { martExists } from "../../pipelines/core/paths.ts";
import type { SeriesBundle, SeriesKey } from "../shared/series.ts";

export const ALL = "All";
const SQL = join(import.meta.dirname, "sql");

export const seriesName = (k: SeriesKey) => `${k.line}/${k.channel}`;

/** Calls first, then messages; within a channel 'All' first, then lines alphabetically. */
function sortKeys(keys: SeriesKey[]): SeriesKey[] {
  const rank = (k: SeriesKey) => [k.channel === "call" ? 0 : 1, k.channel, k.line === ALL ? 0 : 1, k.line] as const;
  return keys.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! < rb[i]! ? -1 : 1;
    return 0;
  });
}

async function holidays(db: Db, paths: Paths, from: number, to: number): Promise<{ set: Set<number>; source: SeriesBundle["holidaySource"] }> {
  const set = new Set<number>();
  const covered = new Set<number>();
  if (martExists(paths, "calendar")) {
    const cal = await readColumns(db, sqlTemplate(join(SQL, "calendar_holidays.sql"), { calendar: martScan(paths, "calendar") }));
    const d = cal.date("date");
    const h = cal.num("is_holiday");
    for (let r = 0; r < cal.rowCount; r++) { covered.add(d[r]!); if (h[r]) set.add(d[r]!); }
  }
  const federal = usFederalHolidaySet(from, to);
  let derived = false;
  for (let day = from; day <= to; day++) {
    if (covered.has(day)) continue;
    derived = true;
    if (federal.has(day)) set.add(day);
  }
  const source = covered.size === 0 ? "us-federal" : derived ? "calendar+us-federal" : "calendar";
  return { set, source };
}

/** Lay (key, day, slot, y) rows onto dense arrays over [firstDay, lastDay] × S slots. */
async function assemble(db: Db, paths: Paths, sql: string, S: number, futureDays: number, hasSlot: boolean): Promise<SeriesBundle> {
  const cols = await readColumns(db, sql);
  if (cols.rowCount === 0) throw new Error("forecast: no incoming interactions to forecast");
  const line = cols.str("line");
  const channel = cols.str("channel");
  const date = cols.date("date");
  const slot = hasSlot ? cols.num("slot") : null;
  const y = cols.num("y");
  let first = Infinity;
  let last = -Infinity;
  const keyIndex = new Map<string, SeriesKey>();
  for (let r = 0; r < cols.rowCount; r++) {
    if (date[r]! < first) first = date[r]!;
    if (date[r]! > last) last = date[r]!;
    const k = { line: line[r] ?? "", channel: channel[r] ?? "" };
    keyIndex.set(seriesName(k), k);
  }
  const keys = sortKeys([...keyIndex.values()]);
  const names = keys.map(seriesName);
  const pos = new Map(names.map((n, i) => [n, i]));
  const days = last - first + 1;
  const values = names.map(() => new Float64Array(days * S));
  for (let r = 0; r < cols.rowCount; r++) {
    const s = pos.get(seriesName({ line: line[r] ?? "", channel: channel[r] ?? "" }))!;
    const sl = slot ? slot[r]! : 0;
    if (sl < 0 || sl >= S) continue;
    values[s]![(date[r]! - first) * S + sl]! += y[r]!;
  }
  const dayList = Array.from({ length: days }, (_, i) => first + i);
  const hol = await holidays(db, paths, first - 400, last + futureDays + 7);
  const grid = calendarGrid(dayList, S, futureDays, hol.set);
  return { grid, keys, names, y: values, firstDay: first, holidaySource: hol.source };
}

export async function loadDailySeries(db: Db, paths: Paths, futureDays: number): Promise<SeriesBundle> {
  if (!martExists(paths, "daily_volume")) throw new Error(`forecast: the daily_volume mart is missing under ${paths.marts}`);
  const sql = sqlTemplate(join(SQL, "daily_series.sql"), { daily_volume: martScan(paths, "daily_volume") });
  return assemble(db, paths, sql, 1, futureDays, false);
}

/** Per-interval series; `open`/`close` (HH:MM) mark business hours on the grid. */
export async function loadIntervalSeries(db: Db, paths: Paths, minutes: number, futureDays: number, hours: { open: string; close: string }): Promise<SeriesBundle> {
  if (!martExists(paths, "interactions")) throw new Error(`forecast: the interactions mart is missing under ${paths.marts}`);
  const S = 1440 / minutes;
  const sql = sqlTemplate(join(SQL, "interval_series.sql"), { interactions: martScan(paths, "interactions"), interval_minutes: String(minutes) });
  const b = await assemble(db, paths, sql, S, futureDays, true);
  const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const open = toMin(hours.open);
  const close = toMin(hours.close);
  b.grid.open = Uint8Array.from({ length: b.grid.total }, (_, i) => {
    const start = b.grid.slotOf[i]! * minutes;
    return start + minutes > open && start < close ? 1 : 0;
  });
  return b;
}
