/**
 * The series the pipeline forecasts: incoming interactions per line × channel and 'All' lines per
 * channel, daily (from `daily_volume`) or per interval of the day (from `interactions`), laid on a
 * dense calendar grid that runs `futureDays` past the data. Holidays and opening hours come from
 * the business calendar (models/shared/businessCalendar.ts: config and date-holidays), the same
 * one the `calendar` mart is built from, for the data and the horizon alike.
 */
import { join } from "node:path";
import type { Db } from "../../pipelines/core/duckdb.ts";
import { sqlTemplate } from "../../pipelines/core/duckdb.ts";
import { martExists, martScan, type Paths } from "../../pipelines/core/paths.ts";
import type { BusinessCalendar } from "../shared/businessCalendar.ts";
import { readColumns } from "../shared/columnar.ts";
import { calendarGrid } from "../shared/grid.ts";
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

/** Lay (key, day, slot, y) rows onto dense arrays over [firstDay, lastDay] × S slots. */
async function assemble(db: Db, cal: BusinessCalendar, sql: string, S: number, futureDays: number, hasSlot: boolean): Promise<SeriesBundle> {
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
  const hol = new Set(cal.holidays(first - 400, last + futureDays + 14).keys());
  const grid = calendarGrid(dayList, S, futureDays, hol);
  const r = cal.rules;
  const source = `date-holidays ${[r.country, r.state, r.region].filter(Boolean).join("-")} (${r.types.join(", ")}; ${r.observed} days)`;
  return { grid, keys, names, y: values, firstDay: first, holidaySource: source };
}

export async function loadDailySeries(db: Db, paths: Paths, futureDays: number, cal: BusinessCalendar): Promise<SeriesBundle> {
  if (!martExists(paths, "daily_volume")) throw new Error(`forecast: the daily_volume mart is missing under ${paths.marts}`);
  const sql = sqlTemplate(join(SQL, "daily_series.sql"), { daily_volume: martScan(paths, "daily_volume") });
  return assemble(db, cal, sql, 1, futureDays, false);
}

/** Per-interval series; the grid's `open` marks the intervals that overlap the business's hours that day. */
export async function loadIntervalSeries(db: Db, paths: Paths, minutes: number, futureDays: number, cal: BusinessCalendar): Promise<SeriesBundle> {
  if (!martExists(paths, "interactions")) throw new Error(`forecast: the interactions mart is missing under ${paths.marts}`);
  const S = 1440 / minutes;
  const sql = sqlTemplate(join(SQL, "interval_series.sql"), { interactions: martScan(paths, "interactions"), interval_minutes: String(minutes) });
  const b = await assemble(db, cal, sql, S, futureDays, true);
  const g = b.grid;
  const days = g.dayNumber;
  b.grid.open = new Uint8Array(g.total);
  for (let k = 0; k < days.length; k++) b.grid.open.set(cal.openSlots(days[k]!, days[k]!, minutes), k * S);
  return b;
}
