/**
 * Regular series on a calendar grid and forecast paths over them: the shapes the forecaster
 * produces (models/forecast) and the staffing plan consumes (models/staffing), defined here so
 * neither model imports the other's internals.
 */
import type { Grid } from "./grid.ts";

export type SeriesKey = { line: string; channel: string };

export type SeriesBundle = {
  grid: Grid;
  keys: SeriesKey[];
  /** `line/channel`, e.g. "Support/call". */
  names: string[];
  y: Float64Array[];
  /** Day number of day ordinal 0. */
  firstDay: number;
  /** Where the holiday flags come from, e.g. "date-holidays US (public, substitute days)". */
  holidaySource: string;
};

/** One series' forecast h = 1…H points after an origin: the point forecast and nested 80%/95% bounds. */
export type Path = { forecast: Float64Array; lower80: Float64Array; upper80: Float64Array; lower95: Float64Array; upper95: Float64Array };
