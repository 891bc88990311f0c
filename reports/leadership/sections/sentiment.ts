/**
 * Section: sentiment. The text marts are built by the text stage (transforms/marts/text/); this section
 * reads a mart named like *sentiment* when there is one, using the columns it recognises (a day or
 * period, an average score, a count), and says "not available yet" otherwise.
 */
import { rows } from "../../../pipelines/core/duckdb.ts";
import { martScan } from "../../../pipelines/core/paths.ts";
import { findMart, ident, martColumns, pick } from "../../discover.ts";
import { fmtCount } from "../../format.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

const DAY_COLUMNS = ["date", "day", "week_start", "period_start", "month_start"];
const SCORE_COLUMNS = ["avg_sentiment", "mean_sentiment", "sentiment", "avg_compound", "compound", "avg_score", "score", "sentiment_score"];
const COUNT_COLUMNS = ["items", "messages", "interactions", "n", "count", "scored", "turns", "responses"];
const NEGATIVE_COLUMNS = ["negative_share", "share_negative", "pct_negative", "negative_rate"];
const GROUP_COLUMNS = ["channel", "source", "kind"];

export const SENTIMENT_UNAVAILABLE = "Sentiment not available yet: no sentiment mart has been built (the text stage writes it).";

const fmtScore = (v: number | null) => (v === null ? "n/a" : v.toFixed(2));

export async function sentimentSection(ctx: SectionContext): Promise<Section> {
  const id = "sentiment";
  const title = "Sentiment";
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
