/** The churn-risk table: high-risk contacts by segment and the 10 highest-risk (pseudonymous) contacts. */
import { fmtCount, fmtRatio } from "../format.ts";
import { martAvailable, query } from "../sql.ts";
import type { SectionContext } from "./types.ts";

export type ChurnSection = {
  available: boolean;
  note?: string;
  asOf?: string;
  summary?: string;
  segments: { segment: string; contacts: string; high: string; medium: string; highShare: string }[];
  top: { rank: number; contactId: string; segment: string; probability: string; band: string; factor: string }[];
};

/** Segments listed (most high-risk contacts first); the rest are summed into the summary line only. */
export const MAX_SEGMENTS = 8;

export const CHURN_UNAVAILABLE = "Churn risk not available: the churn_risk mart has not been built (run the churn model).";

export async function churnSection({ db, paths }: SectionContext): Promise<ChurnSection> {
  if (!martAvailable(paths, "churn_risk")) return { available: false, note: CHURN_UNAVAILABLE, segments: [], top: [] };
  const seg = await query<{ as_of: string; segment: string; contacts: number; high: number; medium: number }>(db, paths, "churn_by_segment");
  if (seg.length === 0) return { available: false, note: "Churn risk not available: the churn_risk mart is empty.", segments: [], top: [] };
  const top = await query<{ contact_id: string; segment: string; churn_probability: number; risk_band: string; top_factor: string | null }>(
    db, paths, "churn_top",
  );
  const contacts = seg.reduce((s, r) => s + r.contacts, 0);
  const high = seg.reduce((s, r) => s + r.high, 0);
  const asOf = seg[0]!.as_of;
  const worst = seg[0]!;
  const summary =
    `${fmtCount(high)} of ${fmtCount(contacts)} scored contacts are high risk (${fmtRatio(contacts ? high / contacts : null)}), scored ${asOf}` +
    (worst.high > 0 ? `; most are in ${worst.segment} (${fmtCount(worst.high)}).` : ".") +
    (seg.length > MAX_SEGMENTS ? ` ${seg.length - MAX_SEGMENTS} smaller segments not listed.` : "");
  return {
    available: true,
    asOf,
    summary,
    segments: seg.slice(0, MAX_SEGMENTS).map((r) => ({
      segment: r.segment,
      contacts: fmtCount(r.contacts),
      high: fmtCount(r.high),
      medium: fmtCount(r.medium),
      highShare: fmtRatio(r.contacts ? r.high / r.contacts : null),
    })),
    top: top.map((r, i) => ({
      rank: i + 1,
      contactId: r.contact_id,
      segment: r.segment,
      probability: fmtRatio(r.churn_probability),
      band: r.risk_band,
      factor: r.top_factor ?? "—",
    })),
  };
}
