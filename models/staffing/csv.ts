/**
 * The planners' CSV: one schema (sql/staffing_csv.sql) for the export the staffing model writes and the
 * CSV beside the staffing report. A module of its own, with no solver or model code, so the report can
 * use it without loading the model.
 */
import { join } from "node:path";
import { lit, sqlTemplate } from "../../pipelines/core/duckdb.ts";

/** The CSV's columns, in order (what sql/staffing_csv.sql selects). */
export const STAFFING_CSV_COLUMNS = [
  "date", "interval_start", "interval_minutes", "channel", "line", "pooling", "forecast", "lower80", "upper80", "handle_seconds",
  "agents_needed", "scheduled", "rostered", "service_level_pct", "asa_seconds", "occupancy_pct", "abandon_pct", "method", "model_version",
] as const;

/** The COPY writing the planners' CSV from staffing mart file(s) (a path or glob), optionally for days [from, to]. */
export function staffingCsvSql(martFile: string, out: string, from = "0001-01-01", to = "9999-12-31"): string {
  return sqlTemplate(join(import.meta.dirname, "sql", "staffing_csv.sql"), { mart: lit(martFile), out: lit(out), from: lit(from), to: lit(to) });
}
