/**
 * Section (monthly report): voice of the customer for sales and product — objections new this period
 * (emerging terms of the objection theme absent from the baseline), product feedback themes, and the
 * customers' phrases gaining ground against the month before (emerging_terms, customer_phrases; every
 * term and phrase there was used by at least k contacts).
 */
import { fmtCount, fmtRatio } from "../../shared/format.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

export async function vocSection(ctx: SectionContext): Promise<Section> {
  const id = "voice-of-customer";
  const title = "Voice of the customer";
  if (!martAvailable(ctx.paths, "emerging_terms") || !martAvailable(ctx.paths, "customer_phrases")) {
    return unavailable(id, title, "Voice of the customer not available: the text marts (emerging_terms, customer_phrases) have not been built.");
  }
  const p = { start: ctx.period.start, end: ctx.period.end };
  const terms = await query<{ theme: string; term: string; mentions: number; g2: number; is_new: boolean }>(ctx.db, ctx.paths, "voc_terms", p);
  const phrases = await query<{ theme: string; phrase: string; contacts: number; share: number; share_before: number | null }>(ctx.db, ctx.paths, "voc_phrases", p);
  const objections = terms.filter((t) => t.theme === "objection" && t.is_new);
  const gaining = phrases.filter((x) => x.theme === "all" && x.share > (x.share_before ?? 0)).slice(0, 8);
  const feedback = phrases.filter((x) => x.theme === "feedback").slice(0, 8);
  const takeaways = [
    objections.length ? `New objections ${ctx.thisPeriod}: ${objections.slice(0, 5).map((o) => `“${o.term}”`).join(", ")}.` : `No new objection emerged ${ctx.thisPeriod}.`,
    feedback.length ? `Product feedback themes: ${feedback.slice(0, 5).map((f) => `“${f.phrase}”`).join(", ")}.` : "No recurring product feedback phrase this period.",
    terms.length ? `${fmtCount(terms.length)} customer terms emerged ${ctx.thisPeriod} (significantly more frequent than in the weeks before).` : `No customer term emerged ${ctx.thisPeriod}.`,
  ];
  const table: Table = {
    id: "voc-gaining", title: "Customer phrases gaining ground",
    columns: [{ label: "Phrase" }, { label: "Contacts", num: true }, { label: "Share of texts", num: true }, { label: "Month before", num: true }],
    rows: gaining.map((g) => ({ cells: [g.phrase, fmtCount(Number(g.contacts)), fmtRatio(g.share), g.share_before === null ? "new" : fmtRatio(g.share_before)] })),
    caption: "Phrases of customers' own words used by at least the small-group threshold of contacts.",
  };
  return { id, title, takeaways, charts: [], tables: gaining.length ? [table] : [] };
}
