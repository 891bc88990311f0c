/**
 * Section: churn risk, aggregated — contacts by segment and risk band from the latest scoring in churn_risk.
 * No contact is named in the leadership report; segments of fewer than k contacts are pooled.
 */
import { fmtCount, fmtRatio } from "../../shared/format.ts";
import { isSmall } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

type SegRow = { as_of: string; segment: string; contacts: number; high: number; medium: number };

export const CHURN_UNAVAILABLE = "Churn risk not available: the churn_risk mart has not been built (run the churn model).";

export async function churnSection(ctx: SectionContext): Promise<Section> {
  const id = "churn";
  const title = "Churn risk";
  if (!martAvailable(ctx.paths, "churn_risk")) return unavailable(id, title, CHURN_UNAVAILABLE);
  const seg = await query<SegRow>(ctx.db, ctx.paths, "churn_by_segment");
  if (seg.length === 0) return unavailable(id, title, "Churn risk not available: the churn_risk mart is empty.");
  const contacts = seg.reduce((s, r) => s + r.contacts, 0);
  const high = seg.reduce((s, r) => s + r.high, 0);
  const asOf = seg[0]!.as_of;
  const big = seg.filter((r) => !isSmall(r.contacts, ctx.k));
  const small = seg.filter((r) => isSmall(r.contacts, ctx.k));
  const pooled = small.reduce((a, r) => ({ contacts: a.contacts + r.contacts, high: a.high + r.high, medium: a.medium + r.medium }), { contacts: 0, high: 0, medium: 0 });
  const shown = [...big, ...(small.length && !isSmall(pooled.contacts, ctx.k) ? [{ as_of: asOf, segment: `Other (${small.length} small ${small.length === 1 ? "segment" : "segments"})`, ...pooled }] : [])];
  const worst = [...big].sort((a, b) => b.high / b.contacts - a.high / a.contacts)[0];
  const takeaways = [
    `${fmtCount(high)} of ${fmtCount(contacts)} scored contacts are at high risk of churning (${fmtRatio(contacts ? high / contacts : null)}), scored ${asOf}.`,
    ...(worst && worst.high > 0 ? [`The ${worst.segment} segment has the highest share at high risk: ${fmtRatio(worst.high / worst.contacts)} of ${fmtCount(worst.contacts)} contacts.`] : []),
  ];
  const table: Table = {
    id: "churn-segments",
    title: "Contacts by segment and churn-risk band",
    columns: [{ label: "Segment" }, { label: "Contacts", num: true }, { label: "High risk", num: true }, { label: "Medium risk", num: true }, { label: "High-risk share", num: true }],
    rows: shown.map((r) => ({ cells: [r.segment, fmtCount(r.contacts), fmtCount(r.high), fmtCount(r.medium), fmtRatio(r.contacts ? r.high / r.contacts : null)] })),
    caption: small.length && isSmall(pooled.contacts, ctx.k)
      ? `${small.length} small ${small.length === 1 ? "segment" : "segments"} with fewer than ${ctx.k} contacts in total not shown (small-group suppression).`
      : undefined,
  };
  return { id, title, takeaways, charts: [], tables: [table] };
}
