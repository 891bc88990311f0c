/**
 * Why a contact is at risk, in plain words. For the linear model, weight × standardised value is
 * each feature's contribution to the log-odds relative to the average training contact; a source
 * column's contribution is the sum over its features. The top factor is the column contributing
 * most to raising the risk — and only in the direction that reads as a reason (more missed calls,
 * a lower NPS, a shorter tenure), so a column that merely lowers risk less than average is never
 * offered as a reason. Contacts with no such column get NO_FACTOR.
 */
import type { Frame, Preprocessor } from "./prep.ts";

export const NO_FACTOR = "no risk factor above the average contact";

type Words = { risk: "high" | "low"; text: (v: number) => string };

const n = (v: number, one: string, many: string) => `${Math.round(v)} ${Math.round(v) === 1 ? one : many}`;
const count = (one: string, many: string, days: number): Words => ({ risk: "high", text: (v) => `${n(v, one, many)} in the last ${days} days` });

/** Plain words for the contact_features columns; unknown columns get generic words. */
export const WORDS: Record<string, Words> = {
  tenure_days: { risk: "low", text: (v) => `customer for only ${n(v, "day", "days")}` },
  recency_days: { risk: "high", text: (v) => `no contact for ${n(v, "day", "days")}` },
  calls_14d: count("call", "calls", 14),
  calls_90d: count("call", "calls", 90),
  messages_14d: count("message", "messages", 14),
  messages_90d: count("message", "messages", 90),
  missed_14d: count("missed or abandoned call", "missed or abandoned calls", 14),
  missed_90d: count("missed or abandoned call", "missed or abandoned calls", 90),
  transfers_14d: count("transfer", "transfers", 14),
  transfers_90d: count("transfer", "transfers", 90),
  repeat_contacts_14d: count("repeat contact about an unresolved issue", "repeat contacts about an unresolved issue", 14),
  repeat_contacts_90d: count("repeat contact about an unresolved issue", "repeat contacts about an unresolved issue", 90),
  unresolved_cases_90d: count("case that took more than one contact", "cases that took more than one contact", 90),
  open_case_contacts: { risk: "high", text: (v) => `an open issue that has taken ${n(v, "contact", "contacts")} so far` },
  outbound_calls_90d: count("callback from us", "callbacks from us", 90),
  negative_texts_14d: count("call or message with negative wording", "calls or messages with negative wording", 14),
  negative_texts_90d: count("call or message with negative wording", "calls or messages with negative wording", 90),
  negative_comments_14d: count("negative survey comment", "negative survey comments", 14),
  negative_comments_90d: count("negative survey comment", "negative survey comments", 90),
  detractor_90d: count("detractor NPS response (0-6)", "detractor NPS responses (0-6)", 90),
  low_csat_90d: count("low CSAT rating (1-2)", "low CSAT ratings (1-2)", 90),
  last_nps: { risk: "low", text: (v) => `last NPS score ${v}` },
  last_csat: { risk: "low", text: (v) => `last CSAT rating ${v}` },
  survey_score_30d: { risk: "low", text: (v) => `low survey scores in the last 30 days (${Math.round(v * 100)}/100)` },
  survey_score_trend: { risk: "low", text: (v) => `survey scores falling (${Math.round(v * 100)} points vs. the year before)` },
  contacts_365d: count("contact", "contacts", 365),
};

export function describe(column: string, value: number | string): string {
  if (typeof value === "string") return column === "segment" ? `in the ${value} segment` : `${column.replaceAll("_", " ")}: ${value}`;
  const w = WORDS[column];
  return w ? w.text(value) : `${column.replaceAll("_", " ")} ${value}`;
}

/**
 * Per row, the column with the largest positive contribution whose value lies on its risk side of
 * the training average (categories: the contact's own level), in words.
 */
export function topFactors(kernel: ArrayLike<number>, prep: Preprocessor, frame: Frame, rows: Int32Array, x: Float32Array): string[] {
  const p = prep.features.length;
  const sources = [...new Set(prep.features.map((f) => f.source))];
  const col = prep.features.map((f) => sources.indexOf(f.source));
  const numericMean = new Map<string, number>();
  for (const c of prep.columns) {
    if (c.kind !== "numeric") continue;
    // The column's training average on its own scale, read back from its first feature's mean.
    const m = prep.mean[prep.features.findIndex((f) => f.source === c.name)]!;
    numericMean.set(c.name, !c.raw && c.log1p ? Math.expm1(m) : m);
  }
  return Array.from(rows, (i, r) => {
    const contrib = new Float64Array(sources.length);
    for (let j = 0; j < p; j++) contrib[col[j]!]! += kernel[j]! * x[r * p + j]!;
    let best = -1;
    for (let s = 0; s < sources.length; s++) {
      if (!(contrib[s]! > 0) || (best >= 0 && contrib[s]! <= contrib[best]!)) continue;
      const name = sources[s]!;
      const num = frame.numeric.get(name);
      if (num) {
        const v = num[i]!;
        if (!Number.isFinite(v)) continue; // a missing value is not a reason
        const w = WORDS[name];
        const mean = numericMean.get(name)!;
        if (w && (w.risk === "high" ? v <= mean : v >= mean)) continue;
        if (w?.risk === "high" && v <= 0) continue;
      } else if (frame.categorical.get(name)?.[i] == null) {
        continue;
      }
      best = s;
    }
    if (best < 0) return NO_FACTOR;
    const name = sources[best]!;
    const num = frame.numeric.get(name);
    return describe(name, num ? num[i]! : frame.categorical.get(name)![i]!);
  });
}
