/**
 * Section: sentiment (the metrics layer: each customer text once, by the day it was written) and emerging terms
 * (the text stage's emerging_terms, by column name). When the text stage has not run, the section says so.
 */
import { fmtCount, fmtLabel, fmtRatio } from "../../shared/format.ts";
import { beyondNoise, definition, readRange } from "../../shared/metrics.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

const TERMS_MART = "emerging_terms";

export const SENTIMENT_UNAVAILABLE = "Sentiment not available yet: the customers' words have not been scored (the text stage has not run).";

const CHANNEL: Record<string, string> = { call: "Calls", message: "Text messages", survey: "Survey comments" };
const fmtScore = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : `${Math.abs(v) < 0.005 ? "" : v < 0 ? "−" : "+"}${Math.abs(v).toFixed(2)}`);

export async function sentimentSection(ctx: SectionContext): Promise<Section> {
  const s = await sentimentOnly(ctx);
  const terms = await emergingTerms(ctx);
  return { ...s, takeaways: [...s.takeaways, ...(terms.takeaway ? [terms.takeaway] : [])], tables: [...s.tables, ...(terms.table ? [terms.table] : [])] };
}

/** Sentiment from the metrics layer: every customer text counts once (weights are the texts, not rows). */
async function sentimentOnly(ctx: SectionContext): Promise<Section> {
  const id = "sentiment";
  const title = "Sentiment and emerging terms";
  const { period } = ctx;
  const prevRange = { start: period.prevStart, end: period.prevEnd };
  const all = await readRange(ctx.db, ctx.paths, period);
  const cur = all.get("All")?.get("sentiment");
  if (!cur || cur.n === 0) return unavailable(id, title, `${SENTIMENT_UNAVAILABLE.replace(/\.$/, "")}, or no customer text was scored in ${period.label}.`);
  const before = (await readRange(ctx.db, ctx.paths, prevRange)).get("All");
  const byChannel = await readRange(ctx.db, ctx.paths, period, "channel");
  const prevChannel = await readRange(ctx.db, ctx.paths, prevRange, "channel");
  const neg = all.get("All")?.get("negative_share");
  const min = definition(ctx.defs, "sentiment").min_sample;
  const parts = [...byChannel].filter(([, m]) => m.get("sentiment")).map(([c, m]) => `${fmtCount(m.get("sentiment")!.n)} ${(CHANNEL[c] ?? c).toLowerCase()}`);
  const prevS = before?.get("sentiment");
  const real = prevS && cur.n >= min && prevS.n >= min ? beyondNoise(cur, prevS) : null;
  const takeaways = [
    `${fmtCount(cur.n)} customer texts were scored ${ctx.thisPeriod} (${parts.join(", ")}): average sentiment ${fmtScore(cur.value)} on a scale from −1 (negative) to +1 (positive), ` +
      `${fmtRatio(neg?.value)} of them negative` +
      (prevS ? `; ${period.kind === "week" ? "the week" : "the month"} before ${fmtScore(prevS.value)} over ${fmtCount(prevS.n)} texts${real === false ? ", a difference within the noise" : real ? ", a change beyond the noise" : ""}.` : "."),
  ];
  const table: Table = {
    id: "sentiment-table",
    title: "Average sentiment by channel (each text counts once; −1 negative … +1 positive)",
    columns: [{ label: "Channel" }, { label: "Texts scored", num: true }, { label: "Average", num: true }, { label: "Before", num: true },
      { label: "Negative share", num: true }, { label: "Before", num: true }],
    rows: [...byChannel].filter(([, m]) => m.get("sentiment") && m.get("sentiment")!.n >= ctx.k).map(([c, m]) => {
      const p = prevChannel.get(c);
      const n = m.get("sentiment")!.n;
      return {
        cells: [CHANNEL[c] ?? fmtLabel(c), `${fmtCount(n)}${n < min ? " (few)" : ""}`, fmtScore(m.get("sentiment")!.value), fmtScore(p?.get("sentiment")?.value),
          fmtRatio(m.get("negative_share")?.value), fmtRatio(p?.get("negative_share")?.value)],
      };
    }),
    caption: `(few): fewer than ${min} texts, too few to judge. Texts from fewer than ${ctx.k} customers are not shown.`,
  };
  return { id, title, takeaways, charts: [], tables: [table] };
}

/** Terms the text stage flagged as emerging in the period, small groups hidden. */
export async function emergingTerms(ctx: SectionContext): Promise<{ takeaway?: string; table?: Table }> {
  if (!martAvailable(ctx.paths, TERMS_MART)) return {};
  const { period } = ctx;
  const found = await query<{ term: string; texts: number; people: number | null; ratio: number | null }>(ctx.db, ctx.paths, "emerging_terms",
    { start: period.start, end: period.end });
  const shown = found.filter((r) => r.people === null || r.people >= ctx.k).slice(0, 10);
  if (shown.length === 0) return { takeaway: `No term in customers' words was used far more than usual ${ctx.thisPeriod}.` };
  const hidden = found.length - found.filter((r) => r.people === null || r.people >= ctx.k).length;
  return {
    takeaway: `Emerging in customers' words ${ctx.thisPeriod}: ${shown.slice(0, 3).map((r) => `“${r.term}”`).join(", ")}.`,
    table: {
      id: "emerging-terms", title: "Terms customers used far more than before",
      columns: [{ label: "Term" }, { label: "Texts", num: true }, { label: "Customers", num: true }, { label: "× usual share", num: true }],
      rows: shown.map((r) => ({ cells: [r.term, fmtCount(r.texts), fmtCount(r.people), r.ratio === null ? "new" : r.ratio.toFixed(1)] })),
      ...(hidden ? { caption: `${hidden} term(s) used by fewer than ${ctx.k} customers not shown (small-group suppression).` } : {}),
    },
  };
}
