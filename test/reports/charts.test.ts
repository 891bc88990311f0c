/**
 * Legend swatches match the marks (issue 11: "legend swatches that do not match the marks"). Every chart spec the
 * leadership report draws (reports/charts/*.vl.json, and the staffing plan's heatmap) is rendered from small inline
 * data through the report's own code path (renderChart → Vega-Lite → Vega → SVG), and each legend entry's swatch is
 * compared with the marks of its series in the same SVG (test/reports/legend.ts): colour, opacity, dash and shape for
 * symbol legends, the colour at each cell's value for gradient legends. The charts in the rendered weekly and monthly
 * PDFs over the demo get the same check in trust.test.ts. Cheap: no database, no browser.
 */
import { describe, expect, it } from "vitest";
import { loadSpec, renderChart } from "../../reports/render/svg.ts";
import { checkedEntries, gradientMismatches, legendEntries, legendMismatches, parseSvg } from "./legend.ts";

const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
const LINES = ["Support", "Sales", "Billing"];

/** Each chart with data that draws every series of its legend (values varied so no mark is empty). */
const CHARTS: Record<string, { data: Record<string, object[]>; series: string[] }> = {
  daily_volume: {
    data: {
      rows: days("2026-10-19", 28).flatMap((date, i) => [
        { date, channel: "call", channel_label: "Calls", channel_order: 0, interactions: 40 + (i * 7) % 30 },
        { date, channel: "message", channel_label: "Messages", channel_order: 1, interactions: 20 + (i * 5) % 17 },
      ]),
      week: [{ start: "2026-11-09", end: "2026-11-16" }],
      holidays: [{ date: "2026-11-11", label: "Veterans Day" }],
    },
    series: ["Calls", "Messages"],
  },
  channel_mix: {
    data: {
      rows: LINES.flatMap((line, l) => ["Calls in", "Calls out", "Messages in", "Messages out"].map((series, s) =>
        ({ line, series, series_order: s, line_total: 100 - l, interactions: 10 + 3 * s + l }))),
    },
    series: ["Calls in", "Calls out", "Messages in", "Messages out"],
  },
  call_outcomes: {
    data: {
      rows: LINES.flatMap((line, l) => ["Answered", "Voicemail", "Missed", "Abandoned"].map((outcome_label, o) =>
        ({ line, outcome_label, outcome_order: o, line_total: 90 - l, calls: 5 + 4 * o + l }))),
    },
    series: ["Answered", "Voicemail", "Missed", "Abandoned"],
  },
  ivr_dropoff: {
    data: {
      rows: ["Main", "Support", "Billing"].flatMap((menu, order) => [
        { menu, order, month: "November 2026 to date", month_order: 0, drop_off_rate: 0.05 + 0.1 * order },
        { menu, order, month: "Month before", month_order: 1, drop_off_rate: 0.04 + 0.08 * order },
      ]),
    },
    series: ["November 2026 to date", "Month before"],
  },
  topics: {
    data: {
      rows: ["Billing dispute", "Login", "Outage"].flatMap((topic, rank) => [
        { topic, rank, period: "This week", interactions: 60 - 10 * rank },
        { topic, rank, period: "Previous 4-week average", interactions: 50 - 7 * rank },
      ]),
    },
    series: ["This week", "Previous 4-week average"],
  },
  forecast: {
    data: {
      actual: days("2026-10-19", 28).map((date, i) => ({ date, calls: 60 + (i * 11) % 40 })),
      forecast: days("2026-11-16", 14).map((date, i) => ({ date, forecast: 80 + (i % 7) * 5, lower80: 60 + (i % 7) * 5, upper80: 100 + (i % 7) * 5 })),
    },
    series: ["Actual", "Forecast", "80% range (half-hours summed)"],
  },
  satisfaction_ci: {
    data: {
      rows: days("2026-08-24", 12 * 7).filter((_, i) => i % 7 === 0).flatMap((period_start, i) => [
        { metric: "NPS", period_start, value: 5 + i, low: i - 10, high: 20 + i },
        { metric: "CSAT (% satisfied)", period_start, value: 60 + i, low: 50 + i, high: 70 + i },
      ]),
    },
    series: [],
  },
  transfers_trend: {
    data: {
      rows: days("2026-08-24", 12 * 7).filter((_, i) => i % 7 === 0).flatMap((week_start, i) => [
        { metric: "Transfer rate (of answered calls)", week_start, value: 0.04 + 0.002 * i },
        { metric: "Loop rate (of transferred calls)", week_start, value: 0.2 - 0.01 * i },
      ]),
    },
    series: [],
  },
  fcr_trend: {
    data: { rows: ["2026-05", "2026-06", "2026-07"].map((month, i) => ({ month, month_label: `M${i}`, fcr_rate: 0.7 + 0.01 * i, cases: 300 })) },
    series: [],
  },
  service_heatmap: {
    data: {
      rows: ["Mon", "Tue", "Wed"].flatMap((weekday, d) => [8, 9, 10, 11, 12].map((hour, h) =>
        ({ weekday, iso_weekday: d + 1, hour, hour_label: String(hour).padStart(2, "0"), service_level: [0.2, 0.45, 0.55, 0.7, 0.85, 0.97, 1][(d + h) % 7] }))),
    },
    series: [],
  },
  staffing_heatmap: {
    data: {
      rows: days("2026-11-16", 3).flatMap((date, d) => [0, 1, 2, 3].map((slot) =>
        ({ date, day: date, slot, time: `0${8 + slot}:00`, agents: 1 + ((d + slot) * 3) % 9, max_agents: 9 }))),
    },
    series: [],
  },
};

const percent = (s: string) => Number(s.replace("%", "")) / (s.endsWith("%") ? 100 : 1);

describe("legend swatches match the marks of their series", () => {
  for (const [name, { data, series }] of Object.entries(CHARTS)) {
    it(`${name}`, async () => {
      const svg = await renderChart(name, data);
      expect(legendMismatches(svg, loadSpec(name))).toEqual([]);
      // Not vacuous: every series the chart's legend names was found among the marks and compared.
      expect(checkedEntries(svg, loadSpec(name)).sort()).toEqual([...series].sort());
    });
  }

  it("gradient legends: each heatmap cell has the gradient's colour at its value", async () => {
    const sl = await renderChart("service_heatmap", CHARTS.service_heatmap!.data);
    const a = gradientMismatches(sl, loadSpec("service_heatmap"), percent);
    expect(a).toEqual({ cells: 15, problems: [] });
    const st = await renderChart("staffing_heatmap", CHARTS.staffing_heatmap!.data);
    const b = gradientMismatches(st, loadSpec("staffing_heatmap"), Number);
    expect(b).toEqual({ cells: 12, problems: [] });
  });

  it("every chart spec in reports/charts is covered here", async () => {
    const { readdirSync } = await import("node:fs");
    const { chartsDir } = await import("../../reports/render/svg.ts");
    expect(readdirSync(chartsDir).filter((f) => f.endsWith(".vl.json")).map((f) => f.replace(".vl.json", "")).sort()).toEqual(Object.keys(CHARTS).sort());
  });

  it("the check can fail: the forecast legend as it was (every swatch a 6 px solid stroke at 55% opacity) is caught", async () => {
    const svg = await renderChart("forecast", CHARTS.forecast!.data, (spec) => {
      const layers = (spec as { layer: { encoding: { color: Record<string, unknown> } }[] }).layer;
      delete layers[1]!.encoding.color.legend;
      layers[0]!.encoding.color.legend = { symbolType: "stroke", symbolStrokeWidth: 6 };
    });
    const problems = legendMismatches(svg, loadSpec("forecast"));
    expect(problems).toContain("Forecast: swatch dash '', the line's '4,2'");
    expect(problems).toContain("Actual: swatch opacity 0.55, the line's 1");
    expect(problems).toContain("Forecast: swatch opacity 0.55, the line's 1");
  });

  it("the check can fail: a bar colour that is not the legend's, a series missing from the legend, a heatmap cell off its gradient", async () => {
    const svg = await renderChart("call_outcomes", CHARTS.call_outcomes!.data);
    const swapped = svg.replace(/(aria-label="[^"]*outcome_label: Missed[^"]*"[^>]*fill=")#f0a43a"/g, '$1#d1495b"');
    expect(swapped).not.toBe(svg);
    expect(legendMismatches(swapped, loadSpec("call_outcomes"))).toEqual(["Missed: swatch colour #f0a43a, the rect's fill #d1495b"]);
    const dropped = parseSvg(svg);
    expect(legendEntries(dropped).map((e) => e.label)).toEqual(["Answered", "Voicemail", "Missed", "Abandoned"]);
    const renamed = svg.replace(/>Voicemail<\/text>/, ">Voice mail</text>");
    expect(legendMismatches(renamed, loadSpec("call_outcomes"))).toEqual(["Voicemail: drawn but not in the legend"]);
    const sl = await renderChart("service_heatmap", CHARTS.service_heatmap!.data);
    const recoloured = sl.replace(/(aria-label="[^"]*Service level: 97%"[^>]*fill=")[^"]+"/g, '$1#d1495b"');
    expect(recoloured).not.toBe(sl);
    expect(gradientMismatches(recoloured, loadSpec("service_heatmap"), percent).problems).toEqual(["97%: cell #d1495b, the gradient's #4fa35b", "97%: cell #d1495b, the gradient's #4fa35b"]);
  });
});
