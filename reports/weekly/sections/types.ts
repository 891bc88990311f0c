/** What every report section hands the template. */
import type { Db } from "../../../pipelines/core/duckdb.ts";
import type { Paths } from "../../../pipelines/core/paths.ts";
import type { ReportWeek } from "../week.ts";

export type SectionContext = { db: Db; paths: Paths; week: ReportWeek };

export type ChartSection = {
  id: string;
  title: string;
  /** The chart as an SVG string; absent when there is nothing to draw (then `note` says why). */
  svg?: string;
  /** One line a reader can take away. */
  takeaway: string;
  note?: string;
};

/** A section with nothing to draw. */
export function emptySection(id: string, title: string, note: string): ChartSection {
  return { id, title, takeaway: "", note };
}
