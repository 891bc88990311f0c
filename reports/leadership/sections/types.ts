/** What every leadership section is given; what it hands the template is the render model (render/model.ts). */
import type { Db } from "../../../pipelines/core/duckdb.ts";
import type { Paths } from "../../../pipelines/core/paths.ts";
import type { ReportPeriod } from "../../shared/period.ts";

export { emptySection, unavailable, type ChartSection, type Section, type Table } from "../../render/model.ts";

export type SectionContext = {
  db: Db;
  paths: Paths;
  period: ReportPeriod;
  /** Groups of fewer than this many people are not shown (small-group suppression). */
  k: number;
  timezone: string;
  /** "this week" / "this month": how the report period is named in sentences. */
  thisPeriod: string;
};
