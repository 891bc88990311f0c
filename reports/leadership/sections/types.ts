/** What every leadership section is given; what it hands the template is the render model (render/model.ts). */
import type { Db } from "../../../pipelines/core/duckdb.ts";
import type { Paths } from "../../../pipelines/core/paths.ts";
import type { Definitions } from "../../shared/metrics.ts";
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
  /** Every metric's definition (metric_definitions mart): units, minimum sample, direction of good. */
  defs: Definitions;
  /** The last day with data. */
  dataEnd: string;
  serviceLevelSeconds: number;
  /** The staffing plan's service-level target (a share), when configured. */
  serviceLevelTarget: number | null;
  fcrWindowDays: number;
  /** Days after scoring within which a churn prediction counts (models.churn.label). */
  churnHorizonDays: number;
  churnLabel: "explicit" | "inactivity";
};
