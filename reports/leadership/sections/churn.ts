/**
 * Section: churn risk in words a COO acts on — the expected number of customers leaving within the churn
 * horizon (the sum of the calibrated probabilities of the latest scoring), the customers whose probability is
 * at least CHURN_THRESHOLD (a probability, not a rank: the model is calibrated, so 10% means about one in ten
 * leaves), how many actually left after the latest scoring whose horizon has passed, and the main drivers in
 * plain words. Aggregated by segment; no customer is named; segments of fewer than k customers are pooled.
 */
import { fmtCount, fmtDay, fmtOneDp, fmtRatio } from "../../shared/format.ts";
import { isSmall } from "../../shared/suppress.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { unavailable, type Section, type SectionContext, type Table } from "./types.ts";

/** A calibrated probability of leaving within the horizon at or above which a customer is worth a call. */
export const CHURN_THRESHOLD = 0.1;

type SegRow = { as_of: string; segment: string; contacts: number; expected: number; above: number; expected_above: number };

export const CHURN_UNAVAILABLE = "Churn risk not available: the churn model has not scored the customers yet (run the churn model).";

export async function churnSection(ctx: SectionContext): Promise<Section> {
  const id = "churn";
  const title = "Churn risk";
  if (!martAvailable(ctx.paths, "churn_risk")) return unavailable(id, title, CHURN_UNAVAILABLE);
  const seg = await query<SegRow>(ctx.db, ctx.paths, "churn_summary", { threshold: CHURN_THRESHOLD });
  if (seg.length === 0) return unavailable(id, title, "Churn risk not available: the latest scoring holds no customers.");
  const sum = (f: (r: SegRow) => number) => seg.reduce((s, r) => s + f(r), 0);
  const contacts = sum((r) => r.contacts);
  const expected = sum((r) => r.expected);
  const above = sum((r) => r.above);
  const expectedAbove = sum((r) => r.expected_above);
  const asOf = seg[0]!.as_of;
  const h = ctx.churnHorizonDays;
  const pct = fmtRatio(CHURN_THRESHOLD).replace(".0%", "%");
  const takeaways = [
    `Expected to leave in the ${h} days after ${fmtDay(asOf)} ${asOf.slice(0, 4)}: ${fmtOneDp(expected)} of ${fmtCount(contacts)} customers scored ` +
      `(the sum of each customer's probability of leaving; ${fmtRatio(contacts ? expected / contacts : null)} of them).`,
    above
      ? `${fmtCount(above)} ${above === 1 ? "customer has" : "customers have"} at least a ${pct} chance of leaving within ${h} days; together they account for ` +
        `${fmtOneDp(expectedAbove)} of the ${fmtOneDp(expected)} expected. They are the ones worth a call.`
      : `No customer has a ${pct} or higher chance of leaving within ${h} days: the expected ${fmtOneDp(expected)} are spread thinly over many customers.`,
  ];
  const [realised] = martAvailable(ctx.paths, "contact_features")
    ? await query<{ as_of: string; contacts: number; churned: number }>(ctx.db, ctx.paths, "churn_realised") : [];
  if (realised) {
    takeaways.push(`For comparison, of the ${fmtCount(realised.contacts)} customers scored on ${fmtDay(realised.as_of)} ${realised.as_of.slice(0, 4)} ` +
      `(the latest scoring whose ${h} days have passed), ${fmtCount(realised.churned)} left within ${h} days.`);
  }
  const drivers = await query<{ driver: string; contacts: number; expected: number }>(ctx.db, ctx.paths, "churn_drivers");
  const named = drivers.filter((d) => d.contacts >= ctx.k && d.expected > 0);
  if (named.length) {
    takeaways.push(`Main drivers (each customer's strongest risk factor, weighted by their probability): ` +
      named.map((d) => `${d.driver} (${fmtOneDp(d.expected)} expected, ${fmtCount(d.contacts)} customers)`).join("; ") + ".");
  }
  const big = seg.filter((r) => !isSmall(r.contacts, ctx.k));
  const small = seg.filter((r) => isSmall(r.contacts, ctx.k));
  const pooled = small.reduce((a, r) => ({ contacts: a.contacts + r.contacts, expected: a.expected + r.expected, above: a.above + r.above, expected_above: a.expected_above + r.expected_above }),
    { contacts: 0, expected: 0, above: 0, expected_above: 0 });
  const shown = [...big, ...(small.length && !isSmall(pooled.contacts, ctx.k) ? [{ as_of: asOf, segment: `Other (${small.length} small ${small.length === 1 ? "segment" : "segments"})`, ...pooled }] : [])];
  const table: Table = {
    id: "churn-segments",
    title: `Expected churners by segment, next ${h} days`,
    columns: [{ label: "Segment" }, { label: "Customers scored", num: true }, { label: "Expected to leave", num: true }, { label: "Share", num: true },
      { label: `At ${pct}+ chance`, num: true }, { label: "Expected among them", num: true }],
    rows: shown.map((r) => ({ cells: [r.segment, fmtCount(r.contacts), fmtOneDp(r.expected), fmtRatio(r.contacts ? r.expected / r.contacts : null), fmtCount(r.above), fmtOneDp(r.expected_above)] })),
    caption: small.length && isSmall(pooled.contacts, ctx.k)
      ? `${small.length} small ${small.length === 1 ? "segment" : "segments"} with fewer than ${ctx.k} customers in total not shown (small-group suppression).`
      : undefined,
  };
  return { id, title, takeaways, charts: [], tables: [table] };
}
