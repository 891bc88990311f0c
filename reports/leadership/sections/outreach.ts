/**
 * Section: outreach — how many of the contacts on the weekly outreach lists (models/opportunity/outreach.ts)
 * were reached by an answered call, the connect rate of those calls, and what followed (churned, bought)
 * against the held-out group of the same kind that nobody was asked to call. Lists whose reach window has
 * not ended are left out; groups of fewer than k contacts are not shown.
 */
import { fmtCount, fmtLabel, fmtRatio } from "../../shared/format.ts";
import { isSmall } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

type Row = { reason: string; grp: string; contacts: number; attempts: number; answered: number; reached: number; churn_known: number; churned: number;
  buy_known: number; bought: number; weeks: number; first_week: string; last_week: string; backfilled: boolean };

export async function outreachSection(ctx: SectionContext): Promise<Section> {
  const id = "outreach";
  const title = "Outreach";
  if (!martAvailable(ctx.paths, "outreach_outcomes")) return unavailable(id, title, "Outreach not available yet: no outreach list has been built (commsight outreach).");
  const rows = (await query<Row>(ctx.db, ctx.paths, "outreach_results", { end: ctx.period.end })).map((r) => ({
    ...r, contacts: Number(r.contacts), attempts: Number(r.attempts), answered: Number(r.answered), reached: Number(r.reached),
    churn_known: Number(r.churn_known), churned: Number(r.churned), buy_known: Number(r.buy_known), bought: Number(r.bought), weeks: Number(r.weeks),
  }));
  if (!rows.length) return unavailable(id, title, "Outreach not available yet: no outreach list's reach window has ended.");
  const called = rows.filter((r) => r.grp === "call");
  const sum = (rs: Row[], f: (r: Row) => number) => rs.reduce((a, r) => a + f(r), 0);
  const attempts = sum(called, (r) => r.attempts);
  const answered = sum(called, (r) => r.answered);
  const listed = sum(called, (r) => r.contacts);
  const reached = sum(called, (r) => r.reached);
  const first = rows.map((r) => r.first_week).sort()[0]!;
  const last = rows.map((r) => r.last_week).sort().at(-1)!;
  const takeaways = [
    `${fmtCount(listed)} contacts were put on ${fmtCount(Math.max(...rows.map((r) => r.weeks)))} weekly outreach lists (weeks of ${first} to ${last}); ` +
      `${fmtCount(reached)} (${fmtRatio(listed ? reached / listed : null)}) were reached by an answered call within the reach window.`,
    attempts ? `Connect rate: ${fmtCount(answered)} of ${fmtCount(attempts)} outbound calls to listed contacts were answered (${fmtRatio(answered / attempts)}).`
      : "No outbound call went to a listed contact yet.",
    ...(rows.some((r) => r.backfilled) ? ["Some lists were built after the fact from the models' scores of earlier weeks (an empty history): nobody was asked to call them, so listed and held out show what happens without outreach, and the models had seen those weeks' outcomes, so their churn and purchase rates flatter the models."] : []),
  ];
  const rate = (n: number, d: number, k: number) => (isSmall(d, k) ? "—" : fmtRatio(n / d));
  let hidden = 0;
  const table: Table = {
    id: "outreach-outcomes", title: "Outcomes: listed against held out (not called)",
    columns: [{ label: "Reason" }, { label: "Group" }, { label: "Contacts", num: true }, { label: "Reached", num: true }, { label: "Churned", num: true }, { label: "Bought", num: true }],
    rows: rows.flatMap((r) => {
      if (isSmall(r.contacts, ctx.k)) { hidden++; return []; }
      return [{ cells: [fmtLabel(r.reason), r.grp === "call" ? "listed" : "held out", fmtCount(r.contacts), rate(r.reached, r.contacts, ctx.k),
        rate(r.churned, r.churn_known, ctx.k), rate(r.bought, r.buy_known, ctx.k)] }];
    }),
    caption: hidden ? `${fmtCount(hidden)} groups with fewer than ${ctx.k} contacts not shown (small-group suppression).` : "Churned and bought: within each model's horizon after the list's snapshot, where known.",
  };
  return { id, title, takeaways, charts: [], tables: [table] };
}
