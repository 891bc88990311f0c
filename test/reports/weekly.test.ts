/**
 * The weekly report end to end: fixture marts → real Chromium PDF → pdftotext, plus the failure modes
 * (no Chromium, optional marts absent) and the formatting rules the PDF depends on.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { ChromiumNotFoundError, findChromium, isAllowedUrl } from "../../reports/render/pdf.ts";
import { prefixIds } from "../../reports/render/svg.ts";
import { fmtCount, fmtDuration, fmtNps, fmtPercent, fmtRatio, fmtRange } from "../../reports/weekly/format.ts";
import { biggestRiser } from "../../reports/weekly/sections/topics.ts";
import { sqlFor } from "../../reports/weekly/sql.ts";
import { buildWeeklyReport, renderWeeklyReport } from "../../reports/weekly/render.ts";
import { mondays, weekEndingOn } from "../../reports/weekly/week.ts";
import { buildFixture, FIXTURE } from "./fixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-report-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const pdfText = (pdf: string) => execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
const pdfPages = (pdf: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [pdf], { encoding: "utf8" }))?.[1]);

/** Each chart figure of the HTML, by id, with its SVG (if any). */
function chartFigures(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<figure class="chart-figure" id="([^"]+)"[\s\S]*?<\/figure>/g)) out.set(m[1]!, m[0]);
  return out;
}
const MARKS = /<g class="mark-(rect|line|area|symbol)[^"]*role-mark[^"]*"[^>]*>\s*<path /;

describe("weekly report from fixture marts with the real Chromium", () => {
  let config: Config;
  let result: Awaited<ReturnType<typeof renderWeeklyReport>>;
  let text: string;
  let html: string;
  let ms: number;

  beforeAll(async () => {
    config = await buildFixture(join(tmp, "full"), { churn: true, forecast: true });
    const t = performance.now();
    result = await renderWeeklyReport(config);
    ms = performance.now() - t;
    text = pdfText(result.pdf);
    html = readFileSync(result.html, "utf8");
    console.info(`weekly report rendered in ${Math.round(ms)} ms`);
  });

  it("writes weekly-<weekEnd>.pdf and .html under data/reports for the last complete week", () => {
    expect(result.weekStart).toBe(FIXTURE.weekStart);
    expect(result.weekEnd).toBe(FIXTURE.weekEnd);
    expect(result.pdf).toBe(join(lakePaths(config).reports, `weekly-${FIXTURE.weekEnd}.pdf`));
    expect(result.html).toBe(join(lakePaths(config).reports, `weekly-${FIXTURE.weekEnd}.html`));
    expect(readFileSync(result.pdf).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdfPages(result.pdf)).toBeLessThanOrEqual(2);
    expect(ms).toBeLessThan(30_000);
  });

  it("prints the business, the week and the KPIs exactly as formatted from the mart rows", () => {
    expect(text).toContain(FIXTURE.business);
    expect(text).toContain("Week 9–15 Nov 2026");
    expect(text).toContain(`${FIXTURE.weekStart} to ${FIXTURE.weekEnd}`);
    expect(text).toContain(`${FIXTURE.prevStart} to 2026-11-08`);
    // this week (12,345 calls; 6,789 messages; 87.3%; 432; 4:05; NPS 42.1; CSAT 91.2%; transfers 5.1%)
    for (const s of ["12,345", "6,789", "87.3%", "432", "4:05", "42.1", "91.2%", "5.1%"]) expect(text).toContain(s);
    // the previous week, and the change with its arrow
    for (const s of ["prev. week 11,900", "prev. week 7,001", "prev. week 85.1%", "prev. week 500", "prev. week 3:50",
      "prev. week 38.5", "prev. week 92.0%", "prev. week 5.1%"]) expect(text).toContain(s);
    for (const s of ["▲ 3.7%", "▼ 3.0%", "▲ 2.2 pts", "▼ 13.6%", "▲ 0:15", "▲ 3.6", "▼ 0.8 pts", "no change"]) expect(text).toContain(s);
    expect(text).toContain("321 responses");
  });

  it("returns the KPIs straight from kpi_weekly with their colours", () => {
    const byKey = Object.fromEntries(result.kpis.map((k) => [k.key, k]));
    expect(result.kpis.map((k) => k.key)).toEqual(
      ["calls", "messages", "answer_rate", "abandoned", "avg_handle_seconds", "nps", "csat", "transfer_rate"],
    );
    for (const k of result.kpis) {
      expect(k.value).toBe(FIXTURE.current[k.key]);
      expect(k.previous).toBe(FIXTURE.previous[k.key]);
    }
    expect(byKey.calls!.display).toBe(fmtCount(FIXTURE.current.calls));
    expect(byKey.answer_rate!.display).toBe(fmtRatio(FIXTURE.current.answer_rate));
    expect(byKey.csat!.display).toBe(fmtPercent(FIXTURE.current.csat));
    expect(byKey.nps!.display).toBe(fmtNps(FIXTURE.current.nps));
    expect([byKey.calls!.tone, byKey.answer_rate!.tone, byKey.abandoned!.tone, byKey.avg_handle_seconds!.tone, byKey.csat!.tone])
      .toEqual(["neutral", "good", "good", "bad", "bad"]);
    expect(html).toMatch(/<div class="change bad">▲ 0:15<\/div>/);
  });

  it("draws six charts as inline SVG with marks, each with a takeaway", () => {
    const figures = chartFigures(html);
    expect([...figures.keys()]).toEqual(["daily-volume", "channel-mix", "satisfaction", "call-outcomes", "topics", "forecast"]);
    for (const [id, fig] of figures) {
      expect(fig, id).toContain("<svg");
      expect(fig, id).toMatch(MARKS);
      expect(fig, id).toMatch(/<p class="takeaway">[^<]{20,}<\/p>/);
    }
    expect(figures.get("forecast")).toMatch(/class="mark-area/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("names the biggest rising topic, the forecast and the churn table", () => {
    expect(text).toContain(`Biggest riser: “${FIXTURE.risingTopic}”`);
    expect(text).toMatch(/19 Nov – 2 Dec 2026: [\d,]+ calls forecast/);
    expect(text).toContain(FIXTURE.topContact);
    expect(text).toContain("97.3%");
    expect(text).toMatch(/commercial\s+20\s+4\s+6\s+20\.0%/);
    expect(text).not.toContain("not available");
  });

  it("reports a given week ending (a Sunday) and refuses other days", async () => {
    const model = await buildWeeklyReport(config, { weekEnding: "2026-11-08" });
    expect(model.week).toEqual({ start: "2026-11-02", end: "2026-11-08", prevStart: "2026-10-26", prevEnd: "2026-11-01" });
    expect(model.kpis.find((k) => k.key === "calls")!.value).toBe(FIXTURE.previous.calls);
    await expect(buildWeeklyReport(config, { weekEnding: "2026-11-14" })).rejects.toThrow(/is a Saturday.*give a Sunday \(e\.g\. 2026-11-08\)/);
    await expect(buildWeeklyReport(config, { weekEnding: "2026-06-07" })).rejects.toThrow(/kpi_weekly has no 'All' row for the week starting 2026-06-01/);
  });

  it("fails with a clear message naming what to install when Chromium is missing", async () => {
    const broken = parseConfig({ paths: { data: config.paths.data }, report: { chromiumPath: "/nonexistent/chromium" } });
    const outDir = join(tmp, "no-chromium");
    const err = await renderWeeklyReport(broken, { outDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChromiumNotFoundError);
    expect((err as Error).message).toMatch(/report\.chromiumPath "\/nonexistent\/chromium" does not exist/);
    expect((err as Error).message).toMatch(/install Chromium \(Debian\/Ubuntu: `apt-get install chromium`/);
    expect(existsSync(join(outDir, `weekly-${FIXTURE.weekEnd}.pdf`))).toBe(false);
    expect(() => findChromium({ report: {} }, { PATH: "/nonexistent-bin" })).toThrow(
      /no Chromium browser found \(looked for chromium, chromium-browser, google-chrome, google-chrome-stable on PATH\).*install Chromium/,
    );
    expect(() => findChromium({ report: {} }, { PATH: "", COMMSIGHT_CHROMIUM: "/nope/chrome" })).toThrow(/COMMSIGHT_CHROMIUM "\/nope\/chrome" does not exist/);
    expect(findChromium({ report: { chromiumPath: "/usr/bin/chromium" } }, { PATH: "" })).toBe("/usr/bin/chromium");
  });
});

describe("weekly report without the optional model marts", () => {
  it("renders the 'not available' notes instead of failing", async () => {
    const config = await buildFixture(join(tmp, "bare"));
    const outDir = join(tmp, "bare-out");
    const result = await renderWeeklyReport(config, { outDir });
    expect(result.pdf).toBe(join(outDir, `weekly-${FIXTURE.weekEnd}.pdf`));
    const text = pdfText(result.pdf);
    expect(text).toContain("Churn risk not available");
    expect(text).toContain("Call forecast not available");
    expect(text).toContain("12,345");
    expect(pdfPages(result.pdf)).toBeLessThanOrEqual(2);
    const figures = chartFigures(readFileSync(result.html, "utf8"));
    expect(figures.get("forecast")).not.toContain("<svg");
    for (const id of ["daily-volume", "channel-mix", "satisfaction", "call-outcomes", "topics"]) expect(figures.get(id)).toMatch(MARKS);
  });

  it("names the missing required marts", async () => {
    const config = parseConfig({ paths: { data: join(tmp, "empty") } });
    await expect(buildWeeklyReport(config)).rejects.toThrow(/kpi_weekly, daily_volume, call_outcomes_daily, topic_daily, nps_weekly, csat_weekly; run the transforms first/);
  });
});

describe("report formatting and helpers", () => {
  it("formats numbers one way everywhere", () => {
    expect(fmtCount(12345)).toBe("12,345");
    expect(fmtCount(1234567.5)).toBe("1,234,568");
    expect(fmtRatio(0.873)).toBe("87.3%");
    expect(fmtRatio(0.8725)).toBe("87.3%");
    expect(fmtPercent(91.24)).toBe("91.2%");
    expect(fmtNps(42.06)).toBe("42.1");
    expect(fmtNps(-12.35)).toBe("-12.4");
    expect(fmtNps(-0.01)).toBe("0.0");
    expect(fmtNps(null)).toBe("n/a");
    expect(fmtDuration(245)).toBe("4:05");
    expect(fmtDuration(59.6)).toBe("1:00");
    expect(fmtDuration(3725)).toBe("1:02:05");
    expect(fmtRange("2026-11-30", "2026-12-06")).toBe("30 Nov – 6 Dec 2026");
  });

  it("works out weeks on Mondays and Sundays", () => {
    expect(weekEndingOn("2026-11-15")).toEqual({ start: "2026-11-09", end: "2026-11-15", prevStart: "2026-11-02", prevEnd: "2026-11-08" });
    expect(() => weekEndingOn("2026-11-16")).toThrow(/is a Monday/);
    expect(mondays("2026-10-20", "2026-11-15", 2)).toEqual(["2026-10-26", "2026-11-09"]);
  });

  it("substitutes mart scans and parameters in the SQL files, and nothing else", () => {
    const paths = lakePaths(parseConfig({ paths: { data: "/data/x" } }));
    const sql = sqlFor("kpis", paths, { week_start: "2026-11-09", prev_week_start: "2026-11-02" });
    expect(sql).toContain("read_parquet('/data/x/lake/marts/kpi_weekly/**/*.parquet', hive_partitioning = true");
    expect(sql).toContain("DATE '2026-11-09'");
    expect(sql).not.toContain("{{");
    expect(() => sqlFor("kpis", paths, { week_start: "2026-11-09" })).toThrow(/uses \{\{prev_week_start\}\}/);
  });

  it("picks the topic with the largest rise", () => {
    expect(biggestRiser([
      { topic: "a", this_week: 100, prior_avg: 90 },
      { topic: "b", this_week: 40, prior_avg: 10 },
      { topic: "c", this_week: 5, prior_avg: 50 },
    ])?.topic).toBe("b");
    expect(biggestRiser([{ topic: "a", this_week: 1, prior_avg: 2 }])).toBeUndefined();
  });

  it("keeps the ids of several inline SVGs apart", () => {
    expect(prefixIds('<clipPath id="clip1"/><g clip-path="url(#clip1)"/><use href="#clip1"/>', "topics"))
      .toBe('<clipPath id="topics-clip1"/><g clip-path="url(#topics-clip1)"/><use href="#topics-clip1"/>');
  });

  it("lets the browser load nothing but inline and loopback content", () => {
    expect(isAllowedUrl("about:blank")).toBe(true);
    expect(isAllowedUrl("data:image/png;base64,AA==")).toBe(true);
    expect(isAllowedUrl("http://127.0.0.1:8080/x")).toBe(true);
    expect(isAllowedUrl("https://example.com/font.woff")).toBe(false);
    expect(isAllowedUrl("file:///etc/passwd")).toBe(false);
    expect(isAllowedUrl("http://localhost.evil.com/")).toBe(false);
  });
});
