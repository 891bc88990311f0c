/**
 * Section: sentiment and emerging terms. The text marts are built by the text stage; this section reads
 * a mart named like *sentiment* and one like emerging_terms when they exist, using the columns it
 * recognises (a day or week, an average score, counts, an is_emerging flag), and says "not available
 * yet" otherwise.
 */
import { rows } from "../../../pipelines/core/duckdb.ts";
import { martScan } from "../../../pipelines/core/paths.ts";
import { findMart, ident, martColumns, pick } from "../../shared/discover.ts";
import { fmtCount } from "../../shared/format.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

const DAY_COLUMNS = ["date", "day", "week_start", "period_start", "month_start"];
const SCORE_COLUMNS = ["avg_sentiment", "mean_sentiment", "sentiment", "avg_compound", "compound", "avg_score", "score", "sentiment_score"];
const COUNT_COLUMNS = ["items", "messages", "interactions", "n", "count", "scored", "turns", "responses"];
const NEGATIVE_COLUMNS = ["negative_share", "share_negative", "pct_negative", "negative_rate"];
const GROUP_COLUMNS = ["channel", "source", "kind"];

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
  const mart = findMart(ctx.paths, /^sentiment/, /sentiment/);
  if (!mart) return unavailable(id, title, SENTIMENT_UNAVAILABLE);
  const cols = await martColumns(ctx.db, ctx.paths, mart);
  const day = pick(cols, DAY_COLUMNS, /DATE|TIMESTAMP/);
  const score = pick(cols, SCORE_COLUMNS, /DOUBLE|FLOAT|DECIMAL|REAL/);
  if (!day || !score) return unavailable(id, title, `Sentiment not available yet: the ${mart} mart has no recognisable day and score columns.`);
  const count = pick(cols, COUNT_COLUMNS, /INT/);
  const negative = pick(cols, NEGATIVE_COLUMNS, /DOUBLE|FLOAT|DECIMAL|REAL/);
  const group = pick(cols, GROUP_COLUMNS, /VARCHAR/);
  const weight = count ? `coalesce(${ident(count)}, 0)` : "1";
  const { period } = ctx;
  // Identifiers come from the mart's own schema and the dates from the period: nothing user-typed reaches the SQL.
  const sql = `
    SELECT ${group ? `coalesce(CAST(${ident(group)} AS VARCHAR), 'all')` : "'all'"} AS grp,
           CASE WHEN CAST(${ident(day)} AS DATE) >= DATE '${period.start}' THEN 'current' ELSE 'previous' END AS which,
           sum(${ident(score)} * ${weight}) / nullif(sum(${weight}), 0) AS score,
           ${negative ? `sum(${ident(negative)} * ${weight}) / nullif(sum(${weight}), 0)` : "NULL"} AS negative,
           ${count ? `sum(${ident(count)})` : "count(*)"} AS n
    FROM ${martScan(ctx.paths, mart)}
    WHERE CAST(${ident(day)} AS DATE) BETWEEN DATE '${period.prevStart}' AND DATE '${period.end}'
    GROUP BY ALL ORDER BY grp, which`;
  const data = await rows<{ grp: string; which: string; score: number | null; negative: number | null; n: number }>(ctx.db, sql);
  const cur = data.filter((r) => r.which === "current");
  if (cur.length === 0) return unavailable(id, title, `Sentiment: the ${mart} mart has no rows for ${period.label}.`);
  const prev = new Map(data.filter((r) => r.which === "previous").map((r) => [r.grp, r]));
  const table: Table = {
    id: "sentiment-table",
    title: `Average sentiment (${mart} mart; −1 negative … +1 positive)`,
    columns: [{ label: group ? "Group" : "All text" }, { label: "Scored", num: true }, { label: "Average", num: true }, { label: "Before", num: true },
      ...(negative ? [{ label: "Negative share", num: true }] : [])],
    rows: cur.filter((r) => r.n >= ctx.k).map((r) => ({
      cells: [r.grp, fmtCount(r.n), fmtScore(r.score), fmtScore(prev.get(r.grp)?.score ?? null),
        ...(negative ? [r.negative === null ? "n/a" : `${(r.negative * 100).toFixed(1)}%`] : [])],
    })),
  };
  const all = cur.reduce((a, r) => ({ s: a.s + (r.score ?? 0) * r.n, n: a.n + r.n }), { s: 0, n: 0 });
  const before = [...prev.values()].reduce((a, r) => ({ s: a.s + (r.score ?? 0) * r.n, n: a.n + r.n }), { s: 0, n: 0 });
  const takeaways = [`Average sentiment ${ctx.thisPeriod} ${fmtScore(all.n ? all.s / all.n : null)} over ${fmtCount(all.n)} scored items` +
    (before.n ? ` (before: ${fmtScore(before.s / before.n)}).` : ".")];
  return { id, title, takeaways, charts: [], tables: [table] };
}

const TERM_COLUMNS = ["term", "phrase", "topic"];
const WEEK_COLUMNS = ["week_start", "date", "period_start"];

/** Terms the text stage flagged as emerging in the period (a mart like emerging_terms), small groups hidden. */
export async function emergingTerms(ctx: SectionContext): Promise<{ takeaway?: string; table?: Table }> {
  const mart = findMart(ctx.paths, "emerging_terms", /emerging_(terms|phrases)/);
  if (!mart) return {};
  const cols = await martColumns(ctx.db, ctx.paths, mart);
  const term = pick(cols, TERM_COLUMNS, /VARCHAR/);
  const week = pick(cols, WEEK_COLUMNS, /DATE|TIMESTAMP/);
  const flag = pick(cols, ["is_emerging"], /BOOLEAN/);
  if (!term || !week || !flag) return {};
  const texts = pick(cols, ["texts", "mentions", "count"], /INT/);
  const people = pick(cols, ["contacts", "people"], /INT/);
  const ratio = pick(cols, ["ratio", "lift"], /DOUBLE|FLOAT|DECIMAL/);
  const { period } = ctx;
  // Identifiers come from the mart's own schema and the dates from the period.
  const sql = `
    SELECT CAST(${ident(term)} AS VARCHAR) AS term, ${texts ? `sum(${ident(texts)})` : "count(*)"} AS texts,
           ${people ? `max(${ident(people)})` : "NULL"} AS people, ${ratio ? `max(${ident(ratio)})` : "NULL"} AS ratio
    FROM ${martScan(ctx.paths, mart)}
    WHERE ${ident(flag)} AND CAST(${ident(week)} AS DATE) BETWEEN DATE '${period.start}' - 6 AND DATE '${period.end}'
    GROUP BY 1 ORDER BY ratio DESC NULLS LAST, texts DESC, term LIMIT 25`;
  const found = await rows<{ term: string; texts: number; people: number | null; ratio: number | null }>(ctx.db, sql);
  const shown = found.filter((r) => r.people === null || r.people >= ctx.k).slice(0, 10);
  if (shown.length === 0) return { takeaway: `No term was flagged as emerging ${ctx.thisPeriod} (${mart} mart).` };
  const hidden = found.length - found.filter((r) => r.people === null || r.people >= ctx.k).length;
  return {
    takeaway: `Emerging in customers' words ${ctx.thisPeriod}: ${shown.slice(0, 3).map((r) => `“${r.term}”`).join(", ")} (${mart} mart).`,
    table: {
      id: "emerging-terms", title: "Terms used far more than before (text stage)",
      columns: [{ label: "Term" }, { label: "Texts", num: true }, ...(people ? [{ label: "Customers", num: true }] : []), ...(ratio ? [{ label: "× usual share", num: true }] : [])],
      rows: shown.map((r) => ({ cells: [r.term, fmtCount(r.texts), ...(people ? [fmtCount(r.people)] : []), ...(ratio ? [r.ratio === null ? "new" : r.ratio.toFixed(1)] : [])] })),
      ...(hidden ? { caption: `${hidden} term(s) used by fewer than ${ctx.k} customers not shown (small-group suppression).` } : {}),
    },
  };
}
