/**
 * What the pipeline's `report` stage produces (`commsight run`, `commsight demo`): the weekly leadership
 * report, the weekly staffing plan and the supervisors' coaching report for the last complete week, e-mailed where configured, and a copy
 * of the leadership PDF at <reports>/weekly-<week end>.pdf, where the walking skeleton wrote it, so
 * links and scripts that expect the latest weekly report there keep working.
 */
import { copyFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { weekEndingOn } from "../shared/dates.ts";
import { produceReport, type ProducedReport } from "./produce.ts";

export type PipelineReports = { leadership: ProducedReport; staffing: ProducedReport; coaching: ProducedReport; alias: string };

export async function pipelineReports(config: Config): Promise<PipelineReports> {
  // report.weekEnding must be a Sunday; weekEndingOn says so clearly when it is not.
  const date = config.report.weekEnding ? weekEndingOn(config.report.weekEnding).end : undefined;
  const leadership = await produceReport(config, { kind: "leadership", period: "week", date });
  const staffing = await produceReport(config, { kind: "staffing", period: "week" });
  const coaching = await produceReport(config, { kind: "coaching", period: "week", date });
  const alias = join(lakePaths(config).reports, `weekly-${leadership.period.end}.pdf`);
  const tmp = `${alias}.${process.pid}.tmp`;
  copyFileSync(leadership.pdf, tmp);
  renameSync(tmp, alias);
  return { leadership, staffing, coaching, alias };
}
