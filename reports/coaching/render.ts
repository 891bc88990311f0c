/**
 * The coaching report for supervisors, weekly or monthly: per agent (or team, `coaching.groupBy`)
 * the scorecard against the team, the playbook behaviours that agent shows least against the team
 * on their own topics, and the calls to review with them (low CSAT, a request for a manager, a
 * repeat contact, a long silence or monologue), each with its redacted summary, never the transcript.
 * It cites calls only as far back as the "training" retention purpose allows (six months by
 * default). No agent is shown whose period holds fewer than privacy.minGroupSize handled calls, and
 * no rate over fewer than that many cases or responses.
 * Writes <reports>/<period end>/coaching-<week|month>-<period id>.{pdf,html}.
 */
import { join } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths, projectRoot } from "../../pipelines/core/paths.ts";
import type { Table } from "../render/model.ts";
import { findChromium } from "../render/pdf.ts";
import { pageStyle, printReport, template } from "../render/page.ts";
import { addDays } from "../shared/dates.ts";
import { fmtCount, fmtDuration, fmtLabel, fmtOneDp, fmtPercent, fmtRatio } from "../shared/format.ts";
import { freshness, type Freshness } from "../shared/freshness.ts";
import { lastCompletePeriod, periodContaining, type PeriodKind, type ReportPeriod } from "../shared/period.ts";
import { martAvailable, query, lastDataDay } from "../shared/sql.ts";
import { isSmall, minGroupSize } from "../shared/suppress.ts";
import type { CoachingConfig } from "./config.ts";

export type CoachingOptions = { period?: PeriodKind; date?: string | undefined; outDir?: string | undefined };

type Score = { agent_id: string; agent_name: string | null; team: string | null; handled_calls: number; aht_seconds: number | null; cases: number; fcr_rate: number | null;
  csat_responses: number; csat: number | null; nps_responses: number; nps: number | null; transfer_rate: number | null;
  team_aht_seconds: number | null; team_fcr_rate: number | null; team_csat: number | null; team_transfer_rate: number | null };
type Usage = { agent_id: string; team: string | null; topic: string; line: string | null; kind: string; item: string; effect: number; calls: number; calls_with: number; usage_rate: number; team_rate: number; gap: number };
type Review = { call_id: string; date: string; time: string; line: string | null; topic: string; agent_id: string; team: string | null; reasons: string; severity: number; summary: string | null };

export type CoachingGroup = { id: string; title: string; subtitle: string; tables: Table[]; callsToReview: number; note?: string };
export type CoachingModel = {
  business: string; timezone: string; reportName: string; period: ReportPeriod; freshness: Freshness; available: boolean; note?: string;
  groupBy: "agent" | "team"; takeaways: string[]; groups: CoachingGroup[]; hiddenGroups: number; oldestCited: string; k: number;
};

export const COACHING_NAME: Record<PeriodKind, string> = { week: "Weekly coaching report", month: "Monthly coaching report" };

const n = (v: unknown) => Number(v ?? 0);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function coachingConfig(config: Config): CoachingConfig {
  return (config as unknown as { coaching?: CoachingConfig }).coaching ?? { groupBy: "agent", callsPerSection: 5, playbookItems: 3 };
}

/** The training purpose's period (days): coaching cites no call older than that before the period's end. */
function trainingDays(config: Config): number {
  const purposes = (config.privacy as unknown as { retention?: { purposes?: Array<{ name: string; days: number }> } }).retention?.purposes ?? [];
  return purposes.find((p) => p.name === "training")?.days ?? 183;
}

const vs = (mine: string, team: string) => `${mine} (team ${team})`;

export async function buildCoachingReport(config: Config, opts: CoachingOptions = {}): Promise<CoachingModel> {
  const kind = opts.period ?? "week";
  const paths = lakePaths(config);
  const cfg = coachingConfig(config);
  const k = minGroupSize(config);
  const db = await openDb();
  try {
    let period: ReportPeriod;
    if (opts.date) period = periodContaining(kind, opts.date);
    else {
      period = lastCompletePeriod(kind, await lastDataDay(db, paths, "pick a coaching period"));
    }
    const oldestCited = addDays(period.end, -trainingDays(config) + 1);
    const base = { business: config.business.name, timezone: config.business.timezone, reportName: COACHING_NAME[kind], period,
      freshness: await freshness(db, paths, config.business.timezone), groupBy: cfg.groupBy, oldestCited, k };
    const missing = ["agent_scorecard", "calls_to_review", "agent_playbook_usage"].filter((m) => !martAvailable(paths, m));
    if (missing.length) return { ...base, available: false, note: `Not available yet: the ${missing.join(", ")} mart${missing.length > 1 ? "s are" : " is"} missing (run the transforms).`, takeaways: [], groups: [], hiddenGroups: 0 };
    const scores = await query<Score>(db, paths, "coaching_scorecard", { start: period.start, end: period.end });
    const usage = await query<Usage>(db, paths, "coaching_usage");
    const reviews = await query<Review>(db, paths, "coaching_calls", { start: period.start, end: period.end, oldest: oldestCited });

    const keyOf = (r: { agent_id: string; team: string | null }) => (cfg.groupBy === "team" ? r.team ?? "no team" : r.agent_id);
    const names = new Map(scores.map((s) => [s.agent_id, s.agent_name ?? s.agent_id]));
    const teamOf = new Map(scores.map((s) => [s.agent_id, s.team]));
    type Acc = { title: string; team: string | null; scores: Score[] };
    const groups = new Map<string, Acc>();
    for (const s of scores) {
      const key = keyOf(s);
      const g = groups.get(key) ?? { title: cfg.groupBy === "team" ? `Team ${fmtLabel(s.team ?? "none")}` : (s.agent_name ?? s.agent_id), team: s.team, scores: [] };
      g.scores.push(s);
      groups.set(key, g);
    }
    const out: CoachingGroup[] = [];
    let hidden = 0;
    for (const [key, g] of [...groups].sort((a, b) => (a[1].team ?? "").localeCompare(b[1].team ?? "") || a[1].title.localeCompare(b[1].title))) {
      const handled = g.scores.reduce((a, s) => a + n(s.handled_calls), 0);
      if (isSmall(handled, k)) { hidden++; continue; }
      const wavg = (f: (s: Score) => number | null, w: (s: Score) => number) => {
        let sw = 0, sv = 0;
        for (const s of g.scores) { const v = f(s); if (v !== null && Number.isFinite(v)) { sw += w(s); sv += v * w(s); } }
        return sw > 0 ? sv / sw : null;
      };
      const cases = g.scores.reduce((a, s) => a + n(s.cases), 0);
      const csatN = g.scores.reduce((a, s) => a + n(s.csat_responses), 0);
      const first = g.scores[0]!;
      const scorecard: Table = {
        id: `scorecard-${key}`, title: "Scorecard against the team",
        columns: [{ label: "Measure" }, { label: cfg.groupBy === "team" ? "Team" : "Agent", num: true }, { label: cfg.groupBy === "team" ? "All teams" : "Team", num: true }],
        rows: [
          { cells: ["Calls handled", fmtCount(handled), "—"] },
          { cells: ["Handle time", fmtDuration(wavg((s) => num(s.aht_seconds), (s) => n(s.handled_calls))), fmtDuration(num(first.team_aht_seconds))] },
          { cells: ["First-contact resolution", isSmall(cases, k) ? "—" : fmtPercent(100 * (wavg((s) => num(s.fcr_rate), (s) => n(s.cases)) ?? NaN)), fmtPercent(100 * (num(first.team_fcr_rate) ?? NaN))] },
          { cells: ["CSAT (% 4-5)", isSmall(csatN, k) ? "—" : fmtRatio(wavg((s) => num(s.csat), (s) => n(s.csat_responses))), fmtRatio(num(first.team_csat))] },
          { cells: ["Transferred on", fmtPercent(100 * (wavg((s) => num(s.transfer_rate), (s) => n(s.handled_calls)) ?? NaN)), fmtPercent(100 * (num(first.team_transfer_rate) ?? NaN))] },
        ],
        caption: `Rates over fewer than ${k} cases or responses are shown as —.`,
      };
      const mine = usage.filter((u) => keyOf({ agent_id: u.agent_id, team: u.team }) === key);
      const byItem = new Map<string, { u: Usage; calls: number; withN: number }>();
      for (const u of mine) {
        const id = `${u.topic}|${u.line}|${u.item}`;
        const e = byItem.get(id) ?? { u, calls: 0, withN: 0 };
        e.calls += n(u.calls); e.withN += n(u.calls_with);
        byItem.set(id, e);
      }
      const least = [...byItem.values()].map((e) => ({ ...e, rate: e.withN / e.calls, gap: Number(e.u.team_rate) - e.withN / e.calls }))
        .filter((e) => e.gap > 0).sort((a, b) => b.gap - a.gap).slice(0, cfg.playbookItems);
      const playbook: Table = {
        id: `playbook-${key}`, title: "Playbook behaviours used least against the team (last 90 days)",
        columns: [{ label: "Topic · line" }, { label: "Behaviour" }, { label: "Success with it", num: true }, { label: "Used on", num: true }, { label: "Team", num: true }],
        rows: least.map((e) => ({ cells: [`${fmtLabel(e.u.topic)} · ${e.u.line ?? "—"}`, e.u.kind === "phrase" ? `says “${e.u.item}”` : e.u.item,
          `+${fmtOneDp(100 * Number(e.u.effect))} pts`, `${fmtPercent(100 * e.rate)} of ${fmtCount(e.calls)} calls`, fmtPercent(100 * Number(e.u.team_rate))] })),
        caption: least.length ? undefined : "No helpful playbook behaviour is used less than the team does (or too few calls to say).",
      };
      const calls = reviews.filter((r) => keyOf({ agent_id: r.agent_id, team: r.team ?? teamOf.get(r.agent_id) ?? null }) === key);
      const shown = calls.slice(0, cfg.callsPerSection);
      const review: Table = {
        id: `review-${key}`, title: `Calls to review (${fmtCount(calls.length)} this ${kind})`,
        columns: [{ label: "When" }, { label: "Topic" }, ...(cfg.groupBy === "team" ? [{ label: "Agent" }] : []), { label: "Why" }, { label: "Summary (redacted)" }],
        rows: shown.map((r) => ({ cells: [`${String(r.date).slice(5)} ${r.time}`, fmtLabel(r.topic), ...(cfg.groupBy === "team" ? [names.get(r.agent_id) ?? r.agent_id] : []), r.reasons, r.summary ?? "—"] })),
        caption: calls.length > shown.length ? `${fmtCount(calls.length - shown.length)} more in the calls_to_review mart.` : undefined,
      };
      out.push({ id: key, title: g.title, subtitle: cfg.groupBy === "team" ? `${g.scores.length} agents` : `Team ${fmtLabel(g.team ?? "none")}`, tables: [scorecard, playbook, review], callsToReview: calls.length });
    }
    const totalCalls = out.reduce((a, g) => a + g.callsToReview, 0);
    const takeaways = [
      `${fmtCount(out.length)} ${cfg.groupBy === "team" ? "teams" : "agents"} with at least ${k} handled calls; ${fmtCount(totalCalls)} calls to review (low CSAT, a request for a manager, a repeat contact, a long silence or monologue).`,
      `Calls are cited with their redacted summary only, and none from before ${oldestCited} (the training retention period).`,
    ];
    return { ...base, available: true, takeaways, groups: out, hiddenGroups: hidden };
  } finally {
    db.close();
  }
}

const templateFile = join(projectRoot, "reports", "coaching", "template.hbs");

export async function renderCoachingReport(config: Config, opts: CoachingOptions = {}) {
  const started = performance.now();
  findChromium(config);
  const model = await buildCoachingReport(config, opts);
  const pdfFile = join(opts.outDir ?? join(lakePaths(config).reports, model.period.end), `coaching-${model.period.kind}-${model.period.id}.pdf`);
  const html = template(templateFile)({
    ...model, style: pageStyle(),
    periodHeading: model.period.kind === "week" ? `Week ${model.period.label}` : model.period.label,
    groups: model.groups.map((g) => ({ ...g, tables: g.tables.map((t) => ({ ...t, rows: t.rows.map((r) => ({ ...r, cells: r.cells.map((text, c) => ({ text, num: !!t.columns[c]?.num })) })) })) })),
  });
  const out = await printReport(config, { html, pdfFile, reportName: model.reportName, periodLabel: model.period.label, business: model.business, dataDate: model.period.start });
  const ms = Math.round(performance.now() - started);
  log.debug({ period: model.period.id, pdf: out.pdf, ms }, "coaching report rendered");
  return { ...out, period: model.period, files: [out.pdf, out.html], ms, model };
}
