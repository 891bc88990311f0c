/**
 * The appendix page: every metric the report shows, defined in words (metric_definitions), with the sample it
 * counts, which timestamp decides its period and the smallest sample the report draws a conclusion from; the
 * report's settings (service-level threshold and target, repeat window, churn horizon, small groups) and the
 * command that reproduces the report. No dataset names: readers need the definitions, not the tables.
 */
import { fmtCount, fmtRatio } from "../../shared/format.ts";
import type { Table } from "./types.ts";
import type { SectionContext } from "./types.ts";

export type Appendix = { title: string; notes: string[]; table: Table; command: string };

/** The metrics the leadership report shows, in the order the appendix lists them. */
export const REPORTED_METRICS = [
  "calls", "inbound_calls", "messages", "answer_rate", "abandoned_calls", "abandonment_rate", "service_level", "asa_seconds", "aht_seconds",
  "nps", "csat", "cases_opened", "fcr_rate", "transfer_rate", "loop_rate", "sentiment", "negative_share", "expected_churners", "forecast_calls",
] as const;

export function appendixSection(ctx: SectionContext): Appendix {
  const rows = REPORTED_METRICS.map((m) => ctx.defs.get(m)).filter((d) => d !== undefined).map((d) => ({
    cells: [d.label, d.definition, d.counted, d.time_basis, d.kind === "prediction" || d.min_sample === 0 ? "—" : fmtCount(d.min_sample)],
  }));
  const command = `commsight report --kind leadership --period ${ctx.period.kind} --date ${ctx.period.end}`;
  return {
    title: "Appendix: how each number is defined",
    notes: [
      `Service level counts a call as answered in time when an agent answered it within ${ctx.serviceLevelSeconds} seconds of queue wait` +
        (ctx.serviceLevelTarget !== null ? `; the target is ${fmtRatio(ctx.serviceLevelTarget)} (the staffing plan's target).` : "."),
      `The repeat window of a case is ${ctx.fcrWindowDays} days; churn predictions look ${ctx.churnHorizonDays} days ahead of the scoring date` +
        (ctx.churnLabel === "inactivity" ? " (a customer who stops contacting the business counts as lost)." : "."),
      "A change is called out only when it is larger than the noise of the two estimates (95% confidence; for counts, the Poisson noise), " +
        "when both periods reach the metric's minimum sample below, and when it is material. A value on fewer responses, calls or cases than " +
        "its minimum is shown with its sample size and no conclusion is drawn from it.",
      `Groups of fewer than ${ctx.k} people are not shown (privacy). Times are business-local (${ctx.timezone}); weeks run Monday to Sunday.`,
    ],
    table: {
      id: "definitions",
      title: "Metric definitions",
      columns: [{ label: "Metric" }, { label: "Definition" }, { label: "Counted over" }, { label: "Period decided by" }, { label: "Minimum sample", num: true }],
      rows,
    },
    command,
  };
}
