/**
 * The staffing plan for planners from a staffing mart in the models stage's shape: the PDF (summary,
 * heatmap, a table per day) and the CSV beside it, both carrying the mart's numbers per interval.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { CSV_COLUMNS } from "../../reports/staffing/csv.ts";
import { renderStaffingReport } from "../../reports/staffing/render.ts";
import { EXTRA } from "./fixture-extra.ts";
import { buildFixture } from "./fixture.ts";
import { pdfFonts, pdfPagesText, pdfText, squash } from "./pdf.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-staffing-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("staffing report", () => {
  let config: Config;
  let result: Awaited<ReturnType<typeof renderStaffingReport>>;
  let text: string;

  beforeAll(async () => {
    config = await buildFixture(join(tmp, "full"), { forecast: true, full: true });
    result = await renderStaffingReport(config, { period: "week", date: "2026-11-23" });
    text = squash(pdfText(result.pdf));
  });

  it("writes the PDF, the HTML and the CSV side by side under reports/<period end>/", () => {
    const dir = join(lakePaths(config).reports, "2026-11-29");
    expect(result.files).toEqual([join(dir, "staffing-week-2026-11-29.pdf"), join(dir, "staffing-week-2026-11-29.html"), join(dir, "staffing-week-2026-11-29.csv")]);
    expect(result.model.mart).toBe("staffing");
  });

  it("puts every interval of the business total in the CSV, raw numbers, one row each", () => {
    const lines = readFileSync(result.csv, "utf8").trimEnd().split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines.length - 1).toBe(5 * 20); // Mon-Fri × 08:00-17:30 in 30-minute intervals
    expect(lines).toContain("2026-11-26 11:00,2026-11-26,All,30,40,32,50,320,9,13");
    expect(lines.every((l, i) => i === 0 || l.split(",")[2] === "All")).toBe(true);
  });

  it("prints the summary, the heatmap and a table per day with forecast and agents per interval", () => {
    expect(text).toContain("Weekly staffing plan");
    expect(text).toContain("Week 23–29 Nov 2026");
    expect(text).toContain(`Peak need: ${EXTRA.staffingPeak.agents} agents on the phones at once, Thu 26 Nov ${EXTRA.staffingPeak.time}`);
    expect(readFileSync(result.html, "utf8")).toContain("The same numbers are in staffing-week-2026-11-29.csv beside this PDF.");
    expect(readFileSync(result.html, "utf8")).toMatch(/<figure class="chart-figure" id="staffing-heatmap"[\s\S]*?<svg[\s\S]*?class="mark-rect/);
    for (const day of ["Mon 23 Nov 2026", "Tue 24 Nov 2026", "Wed 25 Nov 2026", "Thu 26 Nov 2026", "Fri 27 Nov 2026"]) expect(text).toContain(day);
    expect(text).toMatch(/11:00\s+40\.0\s+32\.0–50\.0\s+5:20\s+9\s+13/);
    const pages = pdfPagesText(result.pdf);
    pages.forEach((p, i) => expect(squash(p)).toContain(`Weekly staffing plan · 23–29 Nov 2026 Page ${i + 1} of ${pages.length}`));
    expect(pdfFonts(result.pdf)).toEqual(["Inter-Bold", "Inter-Regular"]);
  });

  it("defaults to the week after the data and says how much of it the plan covers", async () => {
    const r = await renderStaffingReport(config, { period: "week", outDir: join(tmp, "default") });
    expect(r.period).toMatchObject({ start: "2026-11-16", end: "2026-11-22" });
    expect(r.model.rows.length).toBe(2 * 20);
    expect(squash(pdfText(r.pdf))).toContain("over 2 of 7 days");
  });

  it("says the plan is not available when no staffing mart was built, and still writes a header-only CSV", async () => {
    const bare = await buildFixture(join(tmp, "bare"));
    const r = await renderStaffingReport(bare, { period: "week" });
    expect(squash(pdfText(r.pdf))).toContain("Staffing plan not available yet: no staffing mart has been built");
    expect(readFileSync(r.csv, "utf8")).toBe(`${CSV_COLUMNS.join(",")}\r\n`);
  });
});
