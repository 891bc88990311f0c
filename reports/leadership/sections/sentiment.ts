/**
 * Section: sentiment and emerging terms, from the text stage's marts sentiment_daily and emerging_terms
 * (contracts under transforms/marts/text/), read by their column names. When the text stage has not run,
 * the section says "not available yet".
 */
import { fmtCount } from "../../shared/format.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

const SENTIMENT_MART = "sentiment_daily";
const TERMS_MART = "emerging_terms";

export const SENTIMENT_UNAVAILABLE = "Sentiment not available yet: no sentiment mart has been built (the text stage writes it).";

const fmtScore = (v: number | null) => (v === null ? "n/a" : v.toFixed(2));

export async function sentimentSection(ctx: SectionContext): Promise<Section> {
  const s = await sentimentOnly(ctx);
  const terms = await emergingTerms(ctx);
  return { ...s, takeaways: [...s.takeaways, ...(terms.takeaway ? [terms.takeaway] : [])], tables: [...s.tables, ...(terms.table ? [terms.table] : [])] };
}

async function sentimentOnly(ctx: SectionContext): Promise<Section> {
  const id = "sentiment";
  const title = "Sentiment and emerging terms";
  if (!martAvailable(ctx.paths, SENTIMENT_MART)) return unavailable(id, title, SENTIMENT_UNAVAILABLE);
  const { period } = ctx;
  const data = await query<{ grp: string; which: string; score: number | null; negative: number | null; n: number }>(ctx.db, ctx.paths, "sentiment_groups",
    { start: period.start, prev_start: period.prevStart, end: period.end });
  const cur = data.filter((r) => r.which === "current");
  if (cur.length === 0) return unavailable(id, title, `Sentiment: the ${SENTIMENT_MART} mart has no rows for ${period.label}.`);
  const prev = new Map(data.filter((r) => r.which === "previous").map((r) => [r.grp, r]));
  const table: Table = {
    id: "sentiment-table",
    title: `Average sentiment (${SENTIMENT_MART} mart; −1 negative … +1 positive)`,
    columns: [{ label: "Group" }, { label: "Scored", num: true }, { label: "Average", num: true }, { label: "Before", num: true }, { label: "Negative share", num: true }],
    rows: cur.filter((r) => r.n >= ctx.k).map((r) => ({
      cells: [r.grp, fmtCount(r.n), fmtScore(r.score), fmtScore(prev.get(r.grp)?.score ?? null), r.negative === null ? "n/a" : `${(r.negative * 100).toFixed(1)}%`],
    })),
  };
  const all = cur.reduce((a, r) => ({ s: a.s + (r.score ?? 0) * r.n, n: a.n + r.n }), { s: 0, n: 0 });
  const before = [...prev.values()].reduce((a, r) => ({ s: a.s + (r.score ?? 0) * r.n, n: a.n + r.n }), { s: 0, n: 0 });
  const takeaways = [`Average sentiment ${ctx.thisPeriod} ${fmtScore(all.n ? all.s / all.n : null)} over ${fmtCount(all.n)} scored items` +
    (before.n ? ` (before: ${fmtScore(before.s / before.n)}).` : ".")];
  return { id, title, takeaways, charts: [], tables: [table] };
}

/** Terms the text stage flagged as emerging in the period, small groups hidden. */
export async function emergingTerms(ctx: SectionContext): Promise<{ takeaway?: string; table?: Table }> {
  if (!martAvailable(ctx.paths, TERMS_MART)) return {};
  const { period } = ctx;
  const found = await query<{ term: string; texts: number; people: number | null; ratio: number | null }>(ctx.db, ctx.paths, "emerging_terms",
    { start: period.start, end: period.end });
  const shown = found.filter((r) => r.people === null || r.people >= ctx.k).slice(0, 10);
  if (shown.length === 0) return { takeaway: `No term was flagged as emerging ${ctx.thisPeriod} (${TERMS_MART} mart).` };
  const hidden = found.length - found.filter((r) => r.people === null || r.people >= ctx.k).length;
  return {
    takeaway: `Emerging in customers' words ${ctx.thisPeriod}: ${shown.slice(0, 3).map((r) => `“${r.term}”`).join(", ")} (${TERMS_MART} mart).`,
    table: {
      id: "emerging-terms", title: "Terms used far more than before (text stage)",
      columns: [{ label: "Term" }, { label: "Texts", num: true }, { label: "Customers", num: true }, { label: "× usual share", num: true }],
      rows: shown.map((r) => ({ cells: [r.term, fmtCount(r.texts), fmtCount(r.people), r.ratio === null ? "new" : r.ratio.toFixed(1)] })),
      ...(hidden ? { caption: `${hidden} term(s) used by fewer than ${ctx.k} customers not shown (small-group suppression).` } : {}),
    },
  };
}
