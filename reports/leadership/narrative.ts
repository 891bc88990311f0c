/**
 * The executive summary's sentences: one plain-language sentence for each notable change of a KPI
 * against the period before. Notable means beyond a fixed threshold per KPI (below), and for NPS and
 * CSAT also beyond the noise of the survey (their 95% interval), which the sentence says.
 */
import { fmtOneDp } from "../shared/format.ts";
import type { Kpi, KpiKey } from "../shared/kpis.ts";

/** How big a change must be to be worth a sentence, in the KPI's change units (%, pts, points, seconds). */
export const NOTABLE: Record<KpiKey, number> = {
  calls: 10, messages: 10, abandoned: 10,
  answer_rate: 2, service_level: 3, fcr_rate: 2, transfer_rate: 1,
  nps: 5, csat: 2, avg_handle_seconds: 15,
};

const NOUN: Record<KpiKey, string> = {
  calls: "Calls", messages: "Messages", abandoned: "Abandoned calls", answer_rate: "The answer rate",
  service_level: "The service level", avg_handle_seconds: "Average handle time", nps: "NPS", csat: "CSAT",
  fcr_rate: "First-contact resolution", transfer_rate: "The transfer rate",
};

export type ChangeSentence = { key: KpiKey; tone: Kpi["tone"]; text: string };

function amount(k: Kpi): string {
  const c = Math.abs(k.change ?? 0);
  switch (k.unit) {
    case "count": return `${fmtOneDp(c)}%`;
    case "ratio": case "percent": return `${fmtOneDp(c)} percentage points`;
    case "score": return `${fmtOneDp(c)} points`;
    case "seconds": return `${Math.round(c)} seconds`;
  }
}

/** The sentences for the notable changes, worst news first, then good news, then neutral moves. */
export function changeSentences(kpis: readonly Kpi[], previousName: string): ChangeSentence[] {
  const out: ChangeSentence[] = [];
  for (const k of kpis) {
    if (k.change === null || k.direction === null || k.direction === "flat") continue;
    if (Math.abs(k.change) < NOTABLE[k.key]) continue;
    const verb = k.direction === "up" ? (k.unit === "count" ? "rose" : "went up") : (k.unit === "count" ? "fell" : "went down");
    let text = `${NOUN[k.key]} ${verb} ${amount(k)} to ${k.display}, from ${k.previousDisplay} in ${previousName}`;
    if (k.tone === "good") text += " — an improvement";
    if (k.tone === "bad") text += " — worse";
    if (typeof k.margin === "number" && k.margin > 0) {
      const noise = Math.abs(k.change) <= k.margin;
      text += noise
        ? `, but with ${k.note ?? "these responses"} the score is only known to ±${fmtOneDp(k.margin)}, so this may be noise`
        : ` (beyond the ±${fmtOneDp(k.margin)} margin of the survey)`;
    }
    out.push({ key: k.key, tone: k.tone, text: `${text}.` });
  }
  const rank = { bad: 0, good: 1, neutral: 2 } as const;
  return out.sort((a, b) => rank[a.tone] - rank[b.tone]);
}
