/**
 * Section: service levels — against the configured target: a weekday × hour heatmap of the period and a table
 * per line against the period before (metrics layer). An hour or a line on fewer calls than the metric's
 * minimum sample is shown with its n but never named in a sentence.
 */
import { renderChart } from "../../render/svg.ts";
import { changeOf } from "../../shared/kpis.ts";
import { fmtCount, fmtDuration, fmtRatio } from "../../shared/format.ts";
import { beyondNoise, definition, readRange, type Reading } from "../../shared/metrics.ts";
import { martAvailable, query } from "../../shared/sql.ts";
import { emptySection, unavailable, type ChartSection, type Section, type SectionContext, type Table } from "./types.ts";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

type HourRow = { iso_weekday: number; hour: number; offered: number; sl_calls: number; service_level: number | null; asa_seconds: number | null };

async function heatmap(ctx: SectionContext, minSample: number): Promise<ChartSection> {
  const { db, paths, period, k } = ctx;
  const id = "service-heatmap";
  const title = "Service level by weekday and hour";
  const data = await query<HourRow>(db, paths, "service_level_hours", { start: period.start, end: period.end });
  const shown = data.filter((r) => r.offered >= k && r.service_level !== null);
  if (shown.length === 0) return emptySection(id, title, "No answered or queued calls in the period.");
  const judged = shown.filter((r) => r.sl_calls >= minSample);
  const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;
  let takeaway: string;
  if (judged.length) {
    const worst = [...judged].sort((a, b) => a.service_level! - b.service_level! || b.offered - a.offered)[0]!;
    const best = [...judged].sort((a, b) => b.service_level! - a.service_level! || b.offered - a.offered)[0]!;
    takeaway = `Of the hours with at least ${minSample} queued calls, the lowest was ${WEEKDAYS[worst.iso_weekday - 1]} ${hh(worst.hour)}–${hh(worst.hour + 1)}: ` +
      `${fmtRatio(worst.service_level)} of ${fmtCount(worst.sl_calls)} calls answered in time (average wait ${fmtDuration(worst.asa_seconds)}); the highest ` +
      `${WEEKDAYS[best.iso_weekday - 1]} ${hh(best.hour)} at ${fmtRatio(best.service_level)} of ${fmtCount(best.sl_calls)}.`;
  } else {
    takeaway = `No single hour had ${minSample} or more queued calls, too few to single one out; each cell shows the share answered in time.`;
  }
  const svg = await renderChart("service_heatmap", {
    rows: shown.map((r) => ({ ...r, weekday: WEEKDAYS[r.iso_weekday - 1], hour_label: String(r.hour).padStart(2, "0") })),
  });
  return { id, title, svg, takeaway };
}

/** Answered calls: the answer rate's Σx (a 0/1 flag per inbound call) = value × n. */
const answered = (r: Reading | undefined) => (r && r.value !== null ? Math.round(r.value * r.n) : 0);

function lineTable(ctx: SectionContext, now: Map<string, Map<string, Reading>>, before: Map<string, Map<string, Reading>>, minSample: number): Table {
  const lines = [...now.keys()].filter((l) => now.get(l)!.has("inbound_calls")).sort();
  const val = (m: Map<string, Map<string, Reading>>, line: string, metric: string) => m.get(line)?.get(metric);
  return {
    id: "service-lines",
    title: `Service level by line${ctx.serviceLevelTarget !== null ? ` (target ${fmtRatio(ctx.serviceLevelTarget)})` : ""}`,
    columns: [{ label: "Line" }, { label: "Inbound calls", num: true }, { label: "Answered", num: true }, { label: "Abandoned", num: true },
      { label: "Service level", num: true }, { label: "Change", num: true }, { label: "Avg wait", num: true }],
    rows: lines.map((line) => {
      const sl = val(now, line, "service_level");
      const p = val(before, line, "service_level");
      const c = changeOf("share", sl?.value ?? null, p?.value ?? null);
      const enough = !!sl && !!p && sl.n >= minSample && p.n >= minSample;
      const real = enough ? beyondNoise(sl!, p!) : false;
      const tone = ctx.serviceLevelTarget !== null && sl?.value !== null && sl?.value !== undefined
        ? (sl.value >= ctx.serviceLevelTarget ? "good" as const : "bad" as const) : undefined;
      return {
        cells: [line, fmtCount(val(now, line, "inbound_calls")?.value), fmtCount(answered(val(now, line, "answer_rate"))),
          fmtCount(val(now, line, "abandoned_calls")?.value ?? 0), `${fmtRatio(sl?.value)}${sl && sl.n < minSample ? ` (n = ${sl.n})` : ""}`,
          c.text === null ? "n/a" : `${c.change! > 0 ? "↑" : c.change! < 0 ? "↓" : ""} ${c.text}${real ? " *" : ""}`.trim(), fmtDuration(val(now, line, "asa_seconds")?.value)],
        ...(tone ? { tone } : {}),
      };
    }),
    caption: `Line names in ${ctx.serviceLevelTarget !== null ? "green meet the target, in red miss it" : "the table"}; * a change beyond the noise of the two periods (95%).`,
  };
}

export async function serviceSection(ctx: SectionContext): Promise<Section> {
  const id = "service";
  const title = "Service levels";
  if (!martAvailable(ctx.paths, "service_level_interval")) {
    return unavailable(id, title, "Service levels by hour are not available: they have not been built yet (run the transforms).");
  }
  const { db, paths, period } = ctx;
  const minSample = definition(ctx.defs, "service_level").min_sample;
  const now = await readRange(db, paths, period, "line");
  const before = await readRange(db, paths, { start: period.prevStart, end: period.prevEnd }, "line");
  const all = (await readRange(db, paths, period)).get("All")?.get("service_level");
  const judged = [...now].map(([line, m]) => ({ line, sl: m.get("service_level"), asa: m.get("asa_seconds") }))
    .filter((r) => r.sl && r.sl.value !== null && r.sl.n >= minSample);
  const weakest = judged.sort((a, b) => a.sl!.value! - b.sl!.value!)[0];
  const target = ctx.serviceLevelTarget;
  const takeaways = [
    `Service level is the share of queued calls answered within ${ctx.serviceLevelSeconds} seconds (a call abandoned in the queue counts against it)` +
      (target !== null ? `; the target is ${fmtRatio(target)}.` : "."),
    ...(all && all.value !== null ? [`All lines: ${fmtRatio(all.value)} of ${fmtCount(all.n)} calls${target !== null ? `, ${all.value >= target ? "meeting" : `${fmtRatio(target - all.value).replace("%", "")} points short of`} the target` : ""}.`] : []),
    ...(weakest ? [`${weakest.line} had the lowest service level ${ctx.thisPeriod}: ${fmtRatio(weakest.sl!.value)} of ${fmtCount(weakest.sl!.n)} calls, average wait ${fmtDuration(weakest.asa?.value)}.`] : []),
  ];
  return { id, title, takeaways, charts: [await heatmap(ctx, minSample)], tables: now.size ? [lineTable(ctx, now, before, minSample)] : [] };
}
