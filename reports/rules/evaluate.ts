/**
 * Evaluating one rule against the marts as of a day: the conditions that hold now, each with the text of
 * the alert it would raise. Whether an alert is raised (new, not cooling down) is the journal's business.
 */
import type { Db } from "../../pipelines/core/duckdb.ts";
import type { Paths } from "../../pipelines/core/paths.ts";
import { addDays } from "../shared/dates.ts";
import { fmtDay } from "../shared/format.ts";
import { martAvailable, query, type SqlParam } from "../shared/sql.ts";
import { readStaffingPlan } from "../shared/staffing.ts";
import { fmtMetric, METRIC_LABEL, minSampleOf, readMetric, rulesQueries, windowRanges } from "./metrics.ts";
import type { Rule } from "./schema.ts";

export type Condition = {
  condition: string;
  title: string;
  text: string;
  period: string;
  metric?: string;
  value?: number | null;
  threshold?: number;
  contactId?: string;
  tag?: string;
};

/** Why a rule could not be evaluated (a mart not built yet), or its conditions. */
export type Evaluation = { conditions: Condition[]; skipped?: string };

type Ctx = { db: Db; paths: Paths; asOf: string };
const q = <T>(ctx: Ctx, name: string, params: Record<string, SqlParam>) => query<T>(ctx.db, ctx.paths, name, params, rulesQueries);

async function metricRule(ctx: Ctx, rule: Extract<Rule, { kind: "threshold" | "change" }>): Promise<Evaluation> {
  const { current, previous } = windowRanges(rule.window, ctx.asOf);
  const now = await readMetric(ctx.db, ctx.paths, rule.metric, current, rule.line);
  if ("missing" in now) return { conditions: [], skipped: `the ${now.missing} mart has not been built` };
  const minSample = rule.minSample ?? await minSampleOf(ctx.db, ctx.paths, rule.metric);
  if (now.value === null || now.sample < minSample) return { conditions: [], skipped: `too little data in ${current.label} (${now.sample} < ${minSample})` };
  const label = `${METRIC_LABEL[rule.metric]}${rule.line === "All" ? "" : ` (${rule.line})`}`;
  const period = `${current.start}..${current.end}`;
  if (rule.kind === "threshold") {
    const limit = (rule.above ?? rule.below)!;
    const fires = rule.above !== undefined ? now.value > limit : now.value < limit;
    if (!fires) return { conditions: [] };
    const dir = rule.above !== undefined ? "above" : "below";
    return { conditions: [{
      condition: rule.line, period, metric: rule.metric, value: now.value, threshold: limit,
      title: `${label} ${dir} ${fmtMetric(rule.metric, limit)}: ${fmtMetric(rule.metric, now.value)}`,
      text: `${label} was ${fmtMetric(rule.metric, now.value)} in ${current.label} (${now.sample.toLocaleString("en-US")} in the sample), ${dir} the threshold of ${fmtMetric(rule.metric, limit)}.`,
    }] };
  }
  const before = await readMetric(ctx.db, ctx.paths, rule.metric, previous, rule.line);
  if ("missing" in before || before.value === null || before.sample < minSample) return { conditions: [], skipped: `too little data in ${previous.label}` };
  const change = now.value - before.value;
  const fires = rule.dropBy !== undefined ? change <= -rule.dropBy : change >= rule.riseBy!;
  if (!fires) return { conditions: [] };
  const unit = rule.metric === "nps" ? "points" : rule.metric === "inbound_calls" ? "calls" : "percentage points";
  const moved = `${change < 0 ? "down" : "up"} ${Math.abs(change).toFixed(1)} ${unit}`;
  return { conditions: [{
    condition: rule.line, period, metric: rule.metric, value: now.value, threshold: (rule.dropBy ?? rule.riseBy)!,
    title: `${label} ${moved} on the period before`,
    text: `${label} was ${fmtMetric(rule.metric, now.value)} in ${current.label} against ${fmtMetric(rule.metric, before.value)} in ${previous.label}: ${moved}.`,
  }] };
}

async function capacityRule(ctx: Ctx, rule: Extract<Rule, { kind: "capacity" }>): Promise<Evaluation> {
  const from = addDays(ctx.asOf, 1);
  const to = addDays(ctx.asOf, rule.horizonDays);
  if (rule.staffedAgents !== undefined) {
    const plan = await readStaffingPlan(ctx.db, ctx.paths, from, to);
    if ("unavailable" in plan) return { conditions: [], skipped: plan.unavailable };
    const byDay = new Map<string, { agents: number; at: string }>();
    for (const r of plan.rows) {
      if (r.agents > rule.staffedAgents && r.agents > (byDay.get(r.date)?.agents ?? 0)) byDay.set(r.date, { agents: r.agents, at: r.interval_start.slice(11) });
    }
    return { conditions: [...byDay].map(([date, d]) => ({
      condition: date, period: date, value: d.agents, threshold: rule.staffedAgents!,
      title: `Staffing short on ${fmtDay(date)}: ${d.agents} agents needed, ${rule.staffedAgents} staffed`,
      text: `The staffing plan needs ${d.agents} agents at ${d.at} on ${fmtDay(date)} ${date.slice(0, 4)}, more than the ${rule.staffedAgents} staffed.`,
    })) };
  }
  if (!martAvailable(ctx.paths, "volume_forecast")) return { conditions: [], skipped: "the volume_forecast mart has not been built" };
  const days = await q<{ date: string; forecast: number; upper80: number }>(ctx, "forecast_days", { start: from, end: to });
  return { conditions: days.filter((d) => d[rule.use] > rule.callsPerDay!).map((d) => ({
    condition: d.date, period: d.date, value: d[rule.use], threshold: rule.callsPerDay!,
    title: `Forecast above capacity on ${fmtDay(d.date)}: ${Math.round(d[rule.use])} calls`,
    text: `${rule.use === "forecast" ? "The call forecast" : "The top of the forecast's 80% range"} for ${fmtDay(d.date)} ${d.date.slice(0, 4)} is ${Math.round(d[rule.use])} calls, above the ${rule.callsPerDay} a day the team can take.`,
  })) };
}

async function eventRule(ctx: Ctx, rule: Extract<Rule, { kind: "event" }>): Promise<Evaluation> {
  const start = addDays(ctx.asOf, -(rule.lookbackDays - 1));
  if (rule.event === "emerging_topic") {
    if (!martAvailable(ctx.paths, "topic_anomalies")) return { conditions: [], skipped: "the topic_anomalies mart has not been built" };
    const rows = await q<{ topic: string; days: number; peak_day: string; peak: number; baseline: number | null; z: number }>(ctx, "emerging", { start, end: ctx.asOf });
    return { conditions: rows.slice(0, rule.limit).map((r) => ({
      condition: r.topic, period: `${start}..${ctx.asOf}`, value: r.peak, metric: "interactions",
      title: `Emerging topic: ${r.topic}`,
      text: `“${r.topic}” is spiking: ${r.peak} inbound interactions on ${fmtDay(r.peak_day)} against a usual ${r.baseline?.toFixed(1) ?? "n/a"} for that weekday (${r.days} day(s) flagged).`,
      ...(rule.tag ? { tag: rule.tag } : {}),
    })) };
  }
  if (rule.event === "churn_risk") {
    if (!martAvailable(ctx.paths, "churn_risk")) return { conditions: [], skipped: "the churn_risk mart has not been built" };
    const rows = await q<{ contact_id: string; churn_probability: number; top_factor: string | null; segment: string; as_of: string }>(ctx, "churn", { above: rule.above!, limit: rule.limit });
    return { conditions: rows.map((r) => ({
      condition: r.contact_id, period: r.as_of, contactId: r.contact_id, value: r.churn_probability, threshold: rule.above!, tag: rule.tag ?? "churn-risk",
      title: `Churn risk ${(r.churn_probability * 100).toFixed(0)}% for contact ${r.contact_id}`,
      text: `Contact ${r.contact_id} (${r.segment}) has a ${(r.churn_probability * 100).toFixed(1)}% churn risk as of ${r.as_of}${r.top_factor ? `; top factor: ${r.top_factor}` : ""}.`,
    })) };
  }
  if (rule.event === "outreach") {
    // The newest week's outreach list (models/opportunity/outreach.ts): each listed contact is tagged for the phone team.
    if (!martAvailable(ctx.paths, "outreach")) return { conditions: [], skipped: "the outreach mart has not been built" };
    const rows = await q<{ contact_id: string; reason: string; reason_text: string; priority: number; week_start: string }>(ctx, "outreach", { limit: rule.limit });
    return { conditions: rows.map((r) => ({
      condition: r.contact_id, period: r.week_start, contactId: r.contact_id, tag: rule.tag ?? "commsight-outreach",
      title: `Call contact ${r.contact_id} this week (#${r.priority}, ${r.reason.replaceAll("_", " ")})`,
      text: `Contact ${r.contact_id} is #${r.priority} on the outreach list for the week of ${r.week_start}: ${r.reason_text}.`,
    })) };
  }
  // tag_applied: the text stage's contact_tags mart when it exists, else the topic of recent interactions.
  const tag = rule.tag!;
  const params = { tag, start, end: ctx.asOf, limit: rule.limit };
  const tagged = martAvailable(ctx.paths, "contact_tags")
    ? (await q<{ contact_id: string; day: string; reason: string | null }>(ctx, "contact_tags", params))
      .map((r) => ({ contactId: r.contact_id, day: r.day, reason: r.reason ?? "tag applied by the text stage" }))
    : martAvailable(ctx.paths, "interactions")
      ? (await q<{ contact_id: string; interactions: number; last_day: string }>(ctx, "topic_contacts", params))
        .map((r) => ({ contactId: r.contact_id, day: r.last_day, reason: `${r.interactions} interaction(s) about ${tag}` }))
      : null;
  if (tagged === null) return { conditions: [], skipped: "neither contact_tags nor interactions has been built" };
  return { conditions: tagged.map((t) => ({
    condition: t.contactId, period: t.day, contactId: t.contactId, tag,
    title: `Contact ${t.contactId} tagged ${tag}`,
    text: `Contact ${t.contactId} was tagged “${tag}” on ${fmtDay(t.day)} ${t.day.slice(0, 4)}: ${t.reason}.`,
  })) };
}

export function evaluateRule(ctx: Ctx, rule: Rule): Promise<Evaluation> {
  switch (rule.kind) {
    case "threshold": case "change": return metricRule(ctx, rule);
    case "capacity": return capacityRule(ctx, rule);
    case "event": return eventRule(ctx, rule);
  }
}
