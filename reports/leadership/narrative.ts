/**
 * The executive summary's sentences: one plain-language sentence for each notable change of a KPI against
 * the period before. Notable means all of: both periods rest on at least the metric's minimum sample
 * (metric_definitions.min_sample), the change is beyond the noise of the two estimates (95%; Poisson for
 * counts), and it is at least a material size (below). A count's sentence names the holidays that differ
 * between the two periods, which explain most of a quiet week.
 */
import { fmtOneDp } from "../shared/format.ts";
import type { Kpi, KpiKey } from "../shared/kpis.ts";

/** How big a change must be to be worth a sentence, in the KPI's change units (%, pts, points, seconds). */
export const NOTABLE: Record<KpiKey, number> = {
  calls: 10, messages: 10, abandoned_calls: 10,
  answer_rate: 2, service_level: 3, fcr_rate: 2, transfer_rate: 1,
  nps: 5, csat: 2, aht_seconds: 15,
};

const NOUN: Record<KpiKey, string> = {
  calls: "Calls", messages: "Messages", abandoned_calls: "Abandoned calls", answer_rate: "The answer rate",
  service_level: "The service level", aht_seconds: "Average handle time", nps: "NPS", csat: "CSAT",
  fcr_rate: "First-contact resolution", transfer_rate: "The transfer rate",
};

export type ChangeSentence = { key: KpiKey; tone: Kpi["tone"]; text: string };

function amount(k: Kpi): string {
  const c = Math.abs(k.change ?? 0);
  switch (k.unit) {
    case "count": return `${fmtOneDp(c)}%`;
    case "share": return `${fmtOneDp(c)} percentage points`;
    case "score": return `${fmtOneDp(c)} points`;
    case "seconds": return `${Math.round(c)} seconds`;
  }
}

export type CalendarNote = {
  /** e.g. "Veterans Day (Wed 11 Nov)": holidays in the period. */
  holidays: string[];
  previousHolidays: string[];
};

/** The sentences for the notable changes, worst news first, then good news, then neutral moves. */
export function changeSentences(kpis: readonly Kpi[], previousName: string, calendar?: CalendarNote): ChangeSentence[] {
  const out: ChangeSentence[] = [];
  for (const k of kpis) {
    if (k.change === null || k.direction === null || k.direction === "flat") continue;
    if (!k.enough || k.real !== true) continue;
    if (Math.abs(k.change) < NOTABLE[k.key]) continue;
    const verb = k.direction === "up" ? (k.unit === "count" ? "rose" : "went up") : (k.unit === "count" ? "fell" : "went down");
    let text = `${NOUN[k.key]} ${verb} ${amount(k)} to ${k.display}, from ${k.previousDisplay} in ${previousName}`;
    if (k.tone === "good") text += " — an improvement";
    if (k.tone === "bad") text += " — worse";
    if (k.target) text += `; the target is ${k.target.display}${k.target.met ? ", met" : ", not met"}`;
    if (k.unit === "count" && calendar) {
      const added = calendar.holidays.filter((h) => !calendar.previousHolidays.some((p) => p.split(" (")[0] === h.split(" (")[0]));
      if (calendar.holidays.length !== calendar.previousHolidays.length) {
        text += calendar.holidays.length > calendar.previousHolidays.length
          ? `; ${added.join(" and ")} fell in this period and no holiday in ${previousName}`
          : `; ${previousName} had ${calendar.previousHolidays.join(" and ")}`;
      }
    }
    out.push({ key: k.key, tone: k.tone, text: `${text}.` });
  }
  const rank = { bad: 0, good: 1, neutral: 2 } as const;
  return out.sort((a, b) => rank[a.tone] - rank[b.tone]);
}
