/**
 * The weekly leadership report end to end on fixture marts: real Chromium printing a real PDF, read back
 * with pdftotext — KPIs and change sentences, every section and its planted fact, small-group
 * suppression, header/footer with page numbers, embedded fonts only, charts never split across pages,
 * and byte-identical output for the same data.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { buildLeadershipReport, renderLeadershipReport } from "../../reports/leadership/render.ts";
import { EXTRA } from "./fixture-extra.ts";
import { buildFixture, FIXTURE } from "./fixture.ts";
import { pdfFonts, pdfInfo, pdfPages, pdfPagesText, pdfText, squash } from "./pdf.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-leadership-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("weekly leadership report from fixture marts", () => {
  let config: Config;
  let result: Awaited<ReturnType<typeof renderLeadershipReport>>;
  let text: string;
  let html: string;

  beforeAll(async () => {
    config = await buildFixture(join(tmp, "full"), { churn: true, forecast: true, full: true });
    result = await renderLeadershipReport(config, { period: "week" });
    text = squash(pdfText(result.pdf));
    html = readFileSync(result.html, "utf8");
  });

  it("writes leadership-week-<sunday>.pdf and .html under reports/<period end>/ for the last complete week", () => {
    expect(result.period).toMatchObject({ kind: "week", start: FIXTURE.weekStart, end: FIXTURE.weekEnd });
    expect(result.pdf).toBe(join(lakePaths(config).reports, FIXTURE.weekEnd, `leadership-week-${FIXTURE.weekEnd}.pdf`));
    expect(readFileSync(result.pdf).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(result.ms).toBeLessThan(30_000);
  });

  it("summarises the KPIs against the week before, as the marts hold them", () => {
    expect(text).toContain(`${FIXTURE.business} · Weekly leadership report`);
    expect(text).toContain("Week 9–15 Nov 2026");
    for (const s of ["12,345", "6,789", "87.3%", "432", "4:05", "42.1", "91.2%", "5.1%"]) expect(text).toContain(s);
    for (const s of ["before: 11,900", "before: 7,001", "before: 85.1%", "before: 500", "before: 3:50", "before: 38.5", "before: 92.0%"]) expect(text).toContain(s);
    for (const s of ["↑ 3.7%", "↓ 3.0%", "↑ 2.2 pts", "↓ 13.6%", "↑ 0:15", "↑ 3.6", "↓ 0.8 pts", "no change"]) expect(text).toContain(s);
    const kpis = Object.fromEntries(result.model.kpis.map((k) => [k.key, k]));
    for (const key of ["calls", "messages", "answer_rate", "abandoned", "avg_handle_seconds", "nps", "csat", "transfer_rate"] as const) {
      expect(kpis[key]!.value, key).toBe(FIXTURE.current[key]);
      expect(kpis[key]!.previous, key).toBe(FIXTURE.previous[key]);
    }
    expect(kpis.service_level!.value).toBeGreaterThan(0.8);
    expect(kpis.fcr_rate).toBeUndefined(); // monthly only
  });

  it("writes a plain-language sentence for each notable change, worst news first", () => {
    const sentences = result.model.sentences.map((s) => s.text);
    expect(sentences).toEqual([
      "Average handle time went up 15 seconds to 4:05, from 3:50 in the week before — worse.",
      "The answer rate went up 2.2 percentage points to 87.3%, from 85.1% in the week before — an improvement.",
      "Abandoned calls fell 13.6% to 432, from 500 in the week before — an improvement.",
    ]);
    for (const s of sentences) expect(squash(pdfText(result.pdf, 1)).replace(/\s+/g, " ")).toContain(s.slice(0, 40));
  });

  it("has every section, each with its planted fact", () => {
    const titles = result.model.sections.map((s) => s.title);
    expect(titles).toEqual(["Volume and channel mix", "Service levels", "NPS and CSAT", "First-contact resolution", "Transfers", "IVR drop-off",
      "Topics and emerging topics", "Sentiment and emerging terms", "Churn risk", "The next two weeks: forecast and staffing need"]);
    titles.forEach((t, i) => expect(text).toContain(`${i + 1}. ${t}`));
    expect(text).toContain("Lowest Tue 10:00–11:00: 40.0%");
    expect(text).toContain("“Support › Billing › Support” (12 calls)");
    expect(text).toMatch(/Support › Billing › Support \(loop\)/);
    expect(text).toMatch(/billing\s+200\s+130\s+70\s+35\.0%\s+20\.0%/);
    expect(text).toContain(`Emerging: “${EXTRA.spikingTopic}” spiked on 2 days`);
    expect(text).toContain("Sentiment not available yet");
    expect(text).toMatch(/Biggest riser: “refund request”/);
    expect(text).toContain("Staffing need: up to 9 agents on the phones at once (Thu 26 Nov 11:00)");
    expect(text).toContain(`Data up to ${EXTRA.latestData}`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("never shows a group of fewer than k people, nor a single contact", () => {
    expect(result.model.k).toBe(5);
    expect(text).not.toContain(`Segment: ${EXTRA.smallSegment}`);
    expect(text).toContain("1 group with fewer than 5 responses not shown");
    expect(text).not.toContain("Topic: warranty claim"); // 3 cases
    expect(text).toContain("1 group with fewer than 5 cases not shown");
    expect(text).not.toContain("Sales › Support"); // 3 calls
    expect(text).toContain("1 small segment with fewer than 5 contacts in total not shown");
    expect(text).not.toContain(FIXTURE.topContact); // churn is aggregated in the leadership report
    expect(text).toMatch(/commercial\s+19\s+4\s+6\s+21\.1%/);
  });

  it("prints header and footer with report name, period and page numbers, in the embedded font only", () => {
    const pages = pdfPagesText(result.pdf);
    expect(pages.length).toBe(pdfPages(result.pdf));
    pages.forEach((p, i) => {
      expect(squash(p), `page ${i + 1}`).toContain(`${FIXTURE.business} · Weekly leadership report 9–15 Nov 2026`);
      expect(squash(p), `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    expect(pdfFonts(result.pdf)).toEqual(["Inter-Bold", "Inter-Regular"]);
  });

  it("keeps every chart on one page: its title and its takeaway print on the same page", () => {
    const pages = pdfPagesText(result.pdf).map((p) => squash(p).replace(/\s+/g, " "));
    const charts = result.model.sections.flatMap((s) => s.charts).filter((c) => c.svg && c.takeaway);
    expect(charts.length).toBeGreaterThanOrEqual(9);
    for (const c of charts) {
      const at = pages.findIndex((p) => p.includes(c.title));
      expect(at, c.title).toBeGreaterThanOrEqual(0);
      expect(pages[at], c.title).toContain(c.takeaway.slice(0, 30));
    }
    const css = readFileSync(join(import.meta.dirname, "..", "..", "reports", "render", "report.css"), "utf8");
    expect(css).toMatch(/figure, tr,[^{]*\{ break-inside: avoid; page-break-inside: avoid; \}/);
  });

  it("gives byte-identical PDFs for the same data, dated by the data, not the clock", async () => {
    const again = await renderLeadershipReport(config, { period: "week", outDir: join(tmp, "again") });
    expect(readFileSync(again.pdf).equals(readFileSync(result.pdf))).toBe(true);
    expect(readFileSync(again.html, "utf8") === html, "same HTML").toBe(true);
    expect(pdfInfo(result.pdf)).toMatch(/CreationDate:\s+Sun Nov 15 00:00:00 2026 UTC/);
  });

  it("reports a given week by any of its days and refuses weeks kpi_weekly lacks", async () => {
    const model = await buildLeadershipReport(config, { period: "week", date: "2026-11-04" });
    expect(model.period).toMatchObject({ start: "2026-11-02", end: "2026-11-08", prevStart: "2026-10-26", prevEnd: "2026-11-01" });
    expect(model.kpis.find((k) => k.key === "calls")!.value).toBe(FIXTURE.previous.calls);
    await expect(buildLeadershipReport(config, { period: "week", date: "2026-06-03" })).rejects.toThrow(/kpi_weekly has no 'All' row for the week starting 2026-06-01/);
  });
});

describe("leadership report without the optional marts", () => {
  it("says what is not available instead of failing", async () => {
    const config = await buildFixture(join(tmp, "bare"));
    const result = await renderLeadershipReport(config, { period: "week" });
    const text = squash(pdfText(result.pdf)).replace(/\s+/g, " ");
    for (const s of ["Service levels not available", "NPS and CSAT with confidence intervals not available", "First-contact resolution not available",
      "Transfers not available", "IVR drop-off not available", "Emerging topics not available yet", "Sentiment not available yet",
      "Churn risk not available", "Call forecast not available", "Staffing plan not available yet"]) expect(text).toContain(s);
    expect(text).toContain("12,345");
  });

  it("names the missing required marts", async () => {
    const config = parseConfig({ paths: { data: join(tmp, "empty") } });
    await expect(buildLeadershipReport(config)).rejects.toThrow(/kpi_weekly, daily_volume, call_outcomes_daily, topic_daily, nps_weekly, csat_weekly; run the transforms first/);
    await expect(buildLeadershipReport(config, { period: "month" })).rejects.toThrow(/calls, interactions/);
  });
});
