/**
 * The rules file (commsight.rules.yaml; rules/default.rules.yaml is the embedded default): named
 * destinations and rules. A rule is a threshold or a change on a metric over a window, a capacity check
 * of the forecast against staffing, or an event (a tag applied, an emerging topic, a contact's churn
 * risk). Every rule has a severity, a cool-down and the destinations its alerts go to.
 */
import { z } from "zod";
import { Destination } from "../actions/destinations.ts";
import { Severity } from "../actions/alert.ts";

/** "30m", "24h", "7d" → milliseconds. */
export const Duration = z.string().regex(/^\d+(m|h|d)$/, "expected a duration such as 30m, 24h or 7d").transform((s) => {
  const n = Number(s.slice(0, -1));
  return n * { m: 60_000, h: 3_600_000, d: 86_400_000 }[s.slice(-1) as "m" | "h" | "d"];
});

export const METRICS = ["nps", "csat", "abandonment_rate", "answer_rate", "service_level", "transfer_rate", "inbound_calls", "fcr_rate"] as const;
export const Metric = z.enum(METRICS);
export type Metric = z.infer<typeof Metric>;
/** Survey and case metrics exist per week or month only (the satisfaction and fcr marts' grain). */
export const PERIOD_ONLY: ReadonlySet<Metric> = new Set(["nps", "csat", "fcr_rate"]);

/** week/month: the last complete one; Nd: the N days ending with the evaluation day. */
export const Window = z.string().regex(/^(week|month|[1-9]\d?d)$/, "expected week, month or a number of days such as 7d");

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected an id of lower-case letters, digits, - and _"),
  name: z.string().optional(),
  severity: Severity.default("warning"),
  /** After an alert, the same rule and condition stay quiet this long even if it clears and fires again. */
  cooldown: Duration.prefault("24h"),
  /** Names under `destinations:`; an alert with none is only recorded (data/state/alerts.jsonl). */
  actions: z.array(z.string()).default([]),
  enabled: z.boolean().default(true),
};

const metricCommon = {
  metric: Metric,
  window: Window,
  /** A line name, or All. */
  line: z.string().default("All"),
  /** Fewer responses/calls than this in the window: too noisy to judge, no alert (default: the metric's min_sample in metric_definitions). */
  minSample: z.number().int().nonnegative().optional(),
};

export const ThresholdRule = z.strictObject({
  ...common, ...metricCommon, kind: z.literal("threshold"),
  /** Rates are in percent (abandonment_rate above 10 = 10%); NPS in points; inbound_calls a count. */
  above: z.number().optional(),
  below: z.number().optional(),
}).refine((r) => (r.above === undefined) !== (r.below === undefined), { message: "give exactly one of above or below", path: ["above"] });

export const ChangeRule = z.strictObject({
  ...common, ...metricCommon, kind: z.literal("change"),
  /** Against the window before, in the metric's units (points for NPS, percentage points for rates). */
  dropBy: z.number().positive().optional(),
  riseBy: z.number().positive().optional(),
}).refine((r) => (r.dropBy === undefined) !== (r.riseBy === undefined), { message: "give exactly one of dropBy or riseBy", path: ["dropBy"] });

export const CapacityRule = z.strictObject({
  ...common, kind: z.literal("capacity"),
  horizonDays: z.number().int().positive().max(60).default(14),
  /** Staffing plan: an interval needing more agents than this fires. */
  staffedAgents: z.number().positive().optional(),
  /** Or, without a staffing plan: a day forecast above this many calls fires. */
  callsPerDay: z.number().positive().optional(),
  /** Compare the point forecast or the top of its 80% range. */
  use: z.enum(["forecast", "upper80"]).default("forecast"),
}).refine((r) => (r.staffedAgents === undefined) !== (r.callsPerDay === undefined), { message: "give exactly one of staffedAgents or callsPerDay", path: ["staffedAgents"] });

export const EventRule = z.strictObject({
  ...common, kind: z.literal("event"),
  event: z.enum(["tag_applied", "emerging_topic", "churn_risk", "outreach"]),
  /** tag_applied: the tag (contact_tags mart; else an interaction's topic). churn_risk, outreach: the tag written back. */
  tag: z.string().optional(),
  /** churn_risk: probability above which a contact fires. */
  above: z.number().gt(0).lt(1).optional(),
  /** Look at the last N days of data (tags, anomalies). */
  lookbackDays: z.number().int().positive().default(2),
  /** At most this many conditions per evaluation (the highest first), so a rule cannot flood a channel. */
  limit: z.number().int().positive().default(25),
}).refine((r) => r.event !== "tag_applied" || !!r.tag, { message: "tag_applied needs a tag", path: ["tag"] })
  .refine((r) => r.event !== "churn_risk" || r.above !== undefined, { message: "churn_risk needs above (a probability)", path: ["above"] });

export const Rule = z.union([ThresholdRule, ChangeRule, CapacityRule, EventRule]).superRefine((r, ctx) => {
  if ("metric" in r && PERIOD_ONLY.has(r.metric) && !/^(week|month)$/.test(r.window)) {
    ctx.addIssue({ code: "custom", path: ["window"], message: `${r.metric} is measured per week or month; use window: week or month` });
  }
  if ("metric" in r && r.metric === "fcr_rate" && r.window !== "month") ctx.addIssue({ code: "custom", path: ["window"], message: "fcr_rate is monthly; use window: month" });
});
export type Rule = z.infer<typeof Rule>;

export const RulesFile = z.strictObject({
  destinations: z.record(z.string(), Destination).default({}),
  rules: z.array(Rule).default([]),
}).superRefine((f, ctx) => {
  const ids = new Set<string>();
  f.rules.forEach((r, i) => {
    if (ids.has(r.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id ${r.id}` });
    ids.add(r.id);
    r.actions.forEach((a, j) => {
      if (!f.destinations[a]) ctx.addIssue({ code: "custom", path: ["rules", i, "actions", j], message: `no destination named ${a} under destinations:` });
    });
  });
});
export type RulesFile = z.infer<typeof RulesFile>;
