/**
 * The KPI strip of the leadership report: the business total of the period and of the period before, read
 * from the metrics layer (reports/shared/metrics.ts; weeks and months alike), each with the sample it rests
 * on, its target when one is configured, and whether its change is beyond the noise of the two estimates.
 * Change is relative (%) for counts, in percentage points for shares, in points for NPS, in m:ss for durations.
 * A change is coloured by the direction of good, and only when it is beyond the noise; a value with a target
 * is coloured by whether it meets it.
 */
import { fmtCount, fmtDuration, fmtNps, fmtOneDp, fmtRatio, NA } from "./format.ts";
import { beyondNoise, definition, enoughSample, type Definitions, type MetricUnit, type Reading, type Readings } from "./metrics.ts";
import type { ReportPeriod } from "./period.ts";

export type KpiKey =
  | "calls" | "messages" | "answer_rate" | "abandoned_calls" | "service_level" | "aht_seconds"
  | "nps" | "csat" | "fcr_rate" | "transfer_rate";

export type Kpi = {
  key: KpiKey;
  label: string;
  unit: MetricUnit;
  value: number | null;
  previous: number | null;
  n: number;
  previousN: number;
  display: string;
  previousDisplay: string;
  /** Change: % for counts, percentage points for shares, points for scores, seconds. */
  change: number | null;
  /** "↑ 4.2%", "↓ 1.3 pts", "↑ 0:12", "no change" or "n/a". */
  changeDisplay: string;
  direction: "up" | "down" | "flat" | null;
  /** Colour of the change: by the direction of good, and only when beyond the noise; volumes are neutral. */
  tone: "good" | "bad" | "neutral";
  higherIsBetter: boolean | null;
  /** Whether the change is larger than the noise of the two estimates (null: unknown). */
  real: boolean | null;
  /** Both periods rest on at least the metric's minimum sample. */
  enough: boolean;
  minSample: number;
  /** e.g. "425 inbound calls" or "71 responses". */
  note: string;
  /** Half-width of the 95% interval of the value, in display units (points for shares and NPS). */
  margin: number | null;
  target?: { value: number; display: string; met: boolean };
};

type Def = { key: KpiKey; metric: string; kinds?: readonly ReportPeriod["kind"][] };

/** The strip, in order; FCR is shown for months (a week's cases are still inside their repeat window). */
export const KPI_DEFS: readonly Def[] = [
  { key: "calls", metric: "calls" },
  { key: "messages", metric: "messages" },
  { key: "answer_rate", metric: "answer_rate" },
  { key: "abandoned_calls", metric: "abandoned_calls" },
  { key: "service_level", metric: "service_level" },
  { key: "aht_seconds", metric: "aht_seconds" },
  { key: "nps", metric: "nps" },
  { key: "csat", metric: "csat" },
  { key: "fcr_rate", metric: "fcr_rate", kinds: ["month"] },
  { key: "transfer_rate", metric: "transfer_rate" },
];

export function formatValue(unit: MetricUnit, v: number | null, metric = ""): string {
  switch (unit) {
    case "count": return fmtCount(v);
    case "share": return fmtRatio(v);
    case "score": return metric === "sentiment" ? (v === null ? NA : fmtSigned2(v)) : fmtNps(v);
    case "seconds": return fmtDuration(v);
  }
}

const fmtSigned2 = (v: number) => (Math.abs(v) < 0.005 ? "0.00" : `${v < 0 ? "−" : "+"}${Math.abs(v).toFixed(2)}`);

/** The change in display units, rounded as displayed (so a shown "0.0" is never coloured as a move). */
export function changeOf(unit: MetricUnit, v: number | null, p: number | null): { change: number | null; text: string | null } {
  if (v === null || p === null) return { change: null, text: null };
  switch (unit) {
    case "count": {
      if (p === 0) return { change: null, text: v === 0 ? "" : "new" };
      const c = ((v - p) / p) * 100;
      return { change: c, text: `${fmtOneDp(Math.abs(c))}%` };
    }
    case "share": return { change: (v - p) * 100, text: `${fmtOneDp(Math.abs((v - p) * 100))} pts` };
    case "score": return { change: v - p, text: fmtOneDp(Math.abs(v - p)) };
    case "seconds": return { change: v - p, text: fmtDuration(Math.abs(v - p)) };
  }
}

/** What the sample is, in words: "425 inbound calls", "71 responses". */
export function sampleNote(metric: string, n: number): string {
  const nouns: Record<string, string> = {
    calls: "", messages: "", abandoned_calls: "inbound calls", answer_rate: "inbound calls", service_level: "calls answered or abandoned in the queue",
    aht_seconds: "answered calls", transfer_rate: "answered calls", nps: "responses", csat: "responses", fcr_rate: "cases with a closed repeat window",
  };
  const noun = nouns[metric];
  return noun ? `n = ${fmtCount(n)} ${noun}` : "";
}

const isZeroText = (text: string) => !/[1-9]/.test(text);

export type KpiInputs = {
  defs: Definitions;
  now: Readings;
  before: Readings;
  kind: ReportPeriod["kind"];
  /** Service-level target as a share (the staffing plan's models.staffing.targetServiceLevel). */
  serviceLevelTarget: number | null;
};

function get(r: Readings, metric: string, defs: Definitions): Reading {
  const d = definition(defs, metric);
  return r.get("All")?.get(metric) ?? { metric, member: "All", unit: d.unit, n: 0, value: d.kind === "count" ? 0 : null, margin95: null };
}

export function buildKpis(inp: KpiInputs): Kpi[] {
  const { defs } = inp;
  return KPI_DEFS.filter((k) => !k.kinds || k.kinds.includes(inp.kind)).map((k) => {
    const d = definition(defs, k.metric);
    const cur = get(inp.now, k.metric, defs);
    const prev = get(inp.before, k.metric, defs);
    const enough = d.kind === "count" || (enoughSample(defs, cur) && enoughSample(defs, prev));
    const real = enough ? beyondNoise(cur, prev) : false;
    const { change, text } = changeOf(d.unit, cur.value, prev.value);
    let direction: Kpi["direction"] = null;
    let changeDisplay = NA;
    if (text === "new") {
      direction = "up";
      changeDisplay = "↑ new";
    } else if (text === "" || (text !== null && change !== null && isZeroText(text))) {
      direction = "flat";
      changeDisplay = "no change";
    } else if (text !== null && change !== null) {
      direction = change > 0 ? "up" : "down";
      changeDisplay = `${direction === "up" ? "↑" : "↓"} ${text}`;
    }
    let tone: Kpi["tone"] = "neutral";
    if (d.higher_is_better !== null && real && (direction === "up" || direction === "down")) {
      tone = (direction === "up") === d.higher_is_better ? "good" : "bad";
    }
    const scale = d.unit === "share" ? 100 : 1;
    const target = k.metric === "service_level" && inp.serviceLevelTarget !== null && cur.value !== null
      ? { value: inp.serviceLevelTarget, display: fmtRatio(inp.serviceLevelTarget), met: cur.value >= inp.serviceLevelTarget }
      : undefined;
    const small = d.kind !== "count" && cur.value !== null && cur.n < d.min_sample;
    const inbound = inp.now.get("All")?.get("inbound_calls")?.n ?? 0;
    const countNote = k.metric === "calls" ? `${fmtCount(inbound)} inbound` : k.metric === "abandoned_calls" ? `of ${fmtCount(inbound)} inbound calls` : "";
    return {
      key: k.key, label: d.label, unit: d.unit, value: cur.value, previous: prev.value, n: cur.n, previousN: prev.n,
      display: formatValue(d.unit, cur.value, k.metric), previousDisplay: formatValue(d.unit, prev.value, k.metric),
      change, changeDisplay, direction, tone, higherIsBetter: d.higher_is_better, real, enough, minSample: d.min_sample,
      note: d.kind === "count" ? countNote : small ? `${sampleNote(k.metric, cur.n)}: too few to judge (fewer than ${d.min_sample})` : sampleNote(k.metric, cur.n),
      margin: cur.margin95 === null ? null : cur.margin95 * scale,
      ...(target ? { target } : {}),
    };
  });
}
