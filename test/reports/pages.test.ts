/**
 * No half-empty pages (issue 11): the leadership template and stylesheet lay a report out so that no page, other than
 * the last before the appendix and the last of all, is less than 55% filled (MIN_FILL) — measured on the printed PDF as the
 * height down to the lowest ink on the page, as a share of the page body (test/reports/pages.ts). Here on synthetic
 * reports through the real template and Chromium (a long table after a short section, a table longer than a page);
 * the weekly and monthly reports over the demo get the same check in trust.test.ts. About 2 CPU-s (two small PDFs).
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { leadershipHtml, type LeadershipModel } from "../../reports/leadership/render.ts";
import type { Section, Table } from "../../reports/leadership/sections/types.ts";
import { printReport } from "../../reports/render/page.ts";
import { periodContaining } from "../../reports/shared/period.ts";
import { tmpDir } from "../helpers/records.ts";
import { halfEmptyPages, MIN_FILL, newPageHeadings, pageFills, pageLayout } from "./pages.ts";
import { pdfPages } from "./pdf.ts";

const out = tmpDir("pages-");
afterAll(() => rmSync(out, { recursive: true, force: true }));
const config = parseConfig({ paths: { data: join(out, "data") } });
const APPENDIX = "Appendix: how each number is defined";

const table = (id: string, rows: number): Table => ({
  id, title: `Table ${id} (${rows} rows)`,
  columns: [{ label: "Group" }, { label: "Cases", num: true }, { label: "Rate", num: true }],
  rows: Array.from({ length: rows }, (_, i) => ({ cells: [`${id} group ${i + 1}`, String(100 + i), `${(50 + (i % 40)).toFixed(1)}%`] })),
});
/** A chart-sized SVG of the given height (px), so a section takes a known amount of the page. */
const svg = (h: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="${h}" viewBox="0 0 600 ${h}"><rect x="0" y="0" width="600" height="${h}" fill="#8fb4de"/></svg>`;
const chartSection = (id: string, h: number): Section => ({
  id, title: `Section ${id}`, takeaways: [`A finding about ${id}.`], tables: [],
  charts: [{ id: `${id}-chart`, title: `Chart ${id}`, svg: svg(h), takeaway: `What the ${id} chart shows.` }],
});

function model(sections: Section[]): LeadershipModel {
  return {
    business: "Pages Test Co", timezone: "America/New_York", reportName: "Weekly leadership report", period: periodContaining("week", "2026-11-15"),
    kpis: [], sentences: [], holidays: [], previousHolidays: [], k: 5, sections,
    freshness: { latestData: null, lastRefresh: null, lastRefreshRun: null, text: "Synthetic data." },
    appendix: { title: APPENDIX, notes: ["Every number defined."], table: table("definitions", 6), command: "commsight report --kind leadership" },
  };
}

async function print(name: string, sections: Section[]): Promise<{ pdf: string; html: string }> {
  const m = model(sections);
  return printReport(config, {
    html: leadershipHtml(m), pdfFile: join(out, `${name}.pdf`), reportName: m.reportName, periodLabel: m.period.label,
    business: m.business, dataDate: m.period.end,
  });
}

describe("no half-empty pages in the leadership layout", () => {
  it("a long table after a short section starts under it and continues on the next page (header repeated), instead of leaving the page a third full", async () => {
    // Page 1: title, summary and a short chart (about a third of the page); then a 48-row table (about three quarters
    // of a page) that cannot fit in what is left; then a chart section and a table longer than a whole page.
    const { pdf, html } = await print("long-table", [chartSection("short", 40), { id: "long", title: "Long table", takeaways: ["Many groups."], charts: [], tables: [table("long", 52)] },
      chartSection("after", 160), { id: "longer", title: "Longer table", takeaways: [], charts: [], tables: [table("longer", 80)] }]);
    expect(newPageHeadings(readFileSync(html, "utf8"))).toEqual([APPENDIX]);
    const layout = pageLayout(pdf, [APPENDIX]);
    expect(layout.length).toBeGreaterThanOrEqual(4);
    expect(halfEmptyPages(pdf, [APPENDIX]), JSON.stringify(layout)).toEqual([]);
    // The long table starts on page 1 and ends on the next page, where its header row is printed again.
    const { pdfText } = await import("./pdf.ts");
    const texts = Array.from({ length: pdfPages(pdf) }, (_, i) => pdfText(pdf, i + 1));
    const first = texts.findIndex((t) => t.includes("long group 1 "));
    const last = texts.findIndex((t) => t.includes("long group 52 "));
    expect([first, last]).toEqual([0, 1]);
    expect(texts[1]).toMatch(/Group\s+Cases\s+Rate/);
  }, 120_000);

  it("the measure can fail: a section forced onto a new page after a short one leaves a page under the bar (the page before the appendix is allowed)", async () => {
    const m = model([chartSection("short", 60), chartSection("forced", 200)]);
    const html = leadershipHtml(m).replace('<section class="block" id="section-forced"', '<section class="block new-page" id="section-forced"');
    expect(newPageHeadings(html)).toEqual(["2. Section forced", APPENDIX]);
    const { pdf } = await printReport(config, {
      html, pdfFile: join(out, "forced.pdf"), reportName: m.reportName, periodLabel: m.period.label, business: m.business, dataDate: m.period.end,
    });
    const fills = pageFills(pdf);
    expect(fills).toHaveLength(3);
    expect(fills[0]).toBeLessThan(MIN_FILL);
    expect(fills[0]).toBeGreaterThan(0.1);
    expect(halfEmptyPages(pdf, [APPENDIX]).map((p) => p.page)).toEqual([1]);
    // Page 2 ends the report's body (the appendix follows), page 3 is the last: both may be short.
    expect(pageLayout(pdf, [APPENDIX]).map((p) => p.blockEnd)).toEqual([false, true, true]);
  }, 120_000);
});
