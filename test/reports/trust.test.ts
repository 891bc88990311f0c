/**
 * Numbers leadership can trust: the weekly and monthly leadership reports over the small demo, every figure
 * checked here recomputed independently — SQL written in this test over the raw lake (calls, messages, survey
 * responses, in business-local time) and the enriched texts, never the product's metric macros or marts — and
 * each defect of issue 11 pinned by a case that fails on the report as it was: sentiment weighted by mart rows,
 * churn risk true by construction, two forecasts, FCR biased by a young month, unlabelled partial periods,
 * holidays, targets, small samples, jargon and table names, legend swatches that do not match their marks
 * (test/reports/legend.ts) and half-empty pages (test/reports/pages.ts). Each report is rendered once; the
 * tracer of every number on every page is test/reports/trust-trace.ts.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../pipelines/catalog/datasets.ts";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { renderLeadershipReport } from "../../reports/leadership/render.ts";
import { fmtCount, fmtNps, fmtOneDp, fmtRatio } from "../../reports/shared/format.ts";
import { unaccounted } from "./fixture-ledger.ts";
import { flat, local, numberTracer, type Rendered } from "./trust-trace.ts";
import { tmpDir } from "../helpers/records.ts";
import { sharedDemo } from "../setup/sharedDemo.ts";
import { pdfFonts, pdfInfo, pdfPagesText, pdfText, squash } from "./pdf.ts";
import { checkedEntries, gradientMismatches, legendMismatches } from "./legend.ts";
import { halfEmptyPages, MIN_FILL, newPageHeadings, pageLayout } from "./pages.ts";
import { printReport } from "../../reports/render/page.ts";
import { loadSpec } from "../../reports/render/svg.ts";

let data = "";
let config: Config;
let week: Rendered;
let month: Rendered;
let weekText = "";
let monthText = "";
let tracer: ReturnType<typeof numberTracer>;
/** The PDF text as one line of words (pdftotext's columns and line breaks removed). */

/** SQL over the raw lake and the enriched texts only (read_parquet of data/lake/raw and data/lake/enriched), on one connection. */
let conn: Awaited<ReturnType<typeof openDb>> | null = null;
async function q<T = Record<string, number | string | null>>(sql: string): Promise<T[]> {
  conn ??= await openDb();
  const raw = (e: string) => `read_parquet('${join(data, "lake", "raw", e)}/*/*.parquet', hive_partitioning = true, union_by_name = true)`;
  const enriched = (e: string) => `read_parquet('${join(data, "lake", "enriched", e)}/*/*.parquet', hive_partitioning = true, union_by_name = true)`;
  const mart = (m: string) => `read_parquet('${join(data, "lake", "marts", m)}/**/*.parquet', hive_partitioning = true, union_by_name = true)`;
  return rows<T>(conn, sql.replace(/raw\.(\w+)/g, (_m, e: string) => raw(e)).replace(/enriched\.(\w+)/g, (_m, e: string) => enriched(e))
    .replace(/prediction\.(\w+)/g, (_m, e: string) => mart(e)));
}


/**
 * The run's shared small demo (test/setup/sharedDemo.ts), read only: the reports are written to a temporary folder.
 * COMMSIGHT_TRUST_DATA: another demo data folder (small, seed 42) to read instead (for iterating).
 */
const reuse = process.env.COMMSIGHT_TRUST_DATA;
let out = "";

beforeAll(async () => {
  data = reuse ?? (await sharedDemo()).data;
  out = tmpDir("trust-");
  config = parseConfig({ paths: { data }, demo: { scale: "small", seed: 42 } });
  week = await renderLeadershipReport(config, { period: "week", outDir: join(out, "week") });
  month = await renderLeadershipReport(config, { period: "month", outDir: join(out, "month") });
  weekText = flat(pdfText(week.pdf));
  monthText = flat(pdfText(month.pdf));
  tracer = numberTracer(data, config, q);
}, 1_500_000);
afterAll(() => {
  conn?.close();
  rmSync(out, { recursive: true, force: true });
});

/** Calls, messages, NPS and CSAT of [start, end] (business-local days), straight from the raw lake. */
async function page1(start: string, end: string) {
  const [calls] = await q<{ calls: number; inbound: number; answered: number; abandoned: number }>(`
    SELECT count(*) AS calls, count(*) FILTER (WHERE direction = 'incoming') AS inbound,
           count(*) FILTER (WHERE direction = 'incoming' AND answeredAt IS NOT NULL) AS answered,
           count(*) FILTER (WHERE direction = 'incoming' AND status = 'abandoned') AS abandoned
    FROM raw.calls WHERE ${local("createdAt")} BETWEEN DATE '${start}' AND DATE '${end}'`);
  const [messages] = await q<{ n: number }>(`SELECT count(*) AS n FROM raw.messages WHERE ${local("createdAt")} BETWEEN DATE '${start}' AND DATE '${end}'`);
  const [s] = await q<{ nps_n: number; promoters: number; detractors: number; csat_n: number; satisfied: number }>(`
    SELECT count(nps) AS nps_n, count(*) FILTER (WHERE nps >= 9) AS promoters, count(*) FILTER (WHERE nps <= 6) AS detractors,
           count(csat) AS csat_n, count(*) FILTER (WHERE csat >= 4) AS satisfied
    FROM raw.survey_responses WHERE ${local("respondedAt")} BETWEEN DATE '${start}' AND DATE '${end}'`);
  return {
    calls: calls!.calls, inbound: calls!.inbound, answered: calls!.answered, abandoned: calls!.abandoned, messages: messages!.n,
    nps: (100 * (s!.promoters - s!.detractors)) / s!.nps_n, npsN: s!.nps_n, csat: s!.satisfied / s!.csat_n, csatN: s!.csat_n,
  };
}

/** Customer texts scored in [start, end]: inbound messages, calls and survey comments, each once (enriched texts, raw dates). */
async function scoredTexts(start: string, end: string) {
  const [r] = await q<{ calls: number; messages: number; surveys: number; sum: number }>(`
    WITH t AS (
      SELECT 'call' AS ch, coalesce(c.customer_sentiment_end, c.summary_sentiment) AS s, ${local("r.createdAt")} AS d
      FROM enriched.call_texts c JOIN raw.calls r ON r.id = c.call_id WHERE c.summary IS NOT NULL OR c.analysed
      UNION ALL
      SELECT 'message', m.sentiment, ${local("r.createdAt")} FROM enriched.message_texts m JOIN raw.messages r ON r.id = m.message_id WHERE m.direction = 'incoming'
      UNION ALL
      SELECT 'survey', c.sentiment, ${local("r.respondedAt")} FROM enriched.survey_comments c JOIN raw.survey_responses r ON r.id = c.response_id
    )
    SELECT count(*) FILTER (WHERE ch = 'call') AS calls, count(*) FILTER (WHERE ch = 'message') AS messages,
           count(*) FILTER (WHERE ch = 'survey') AS surveys, sum(s) AS sum
    FROM t WHERE s IS NOT NULL AND d BETWEEN DATE '${start}' AND DATE '${end}'`);
  return r!;
}

describe("the weekly leadership report over the demo", () => {
  it("page 1: calls, messages, NPS with its n and CSAT with its n equal an independent count over the raw lake", async () => {
    expect(week.period).toMatchObject({ start: "2026-11-09", end: "2026-11-15" });
    const p1 = flat(pdfPagesText(week.pdf)[0]!);
    const now = await page1("2026-11-09", "2026-11-15");
    const before = await page1("2026-11-02", "2026-11-08");
    for (const s of [fmtCount(now.calls), `${fmtCount(now.inbound)} inbound`, fmtCount(now.messages), fmtRatio(now.answered / now.inbound),
      `of ${fmtCount(now.inbound)} inbound calls`, fmtNps(now.nps), `n = ${fmtCount(now.npsN)} responses`, fmtRatio(now.csat), `n = ${fmtCount(now.csatN)} responses`,
      `before: ${fmtCount(before.calls)}`, `before: ${fmtCount(before.messages)}`, `before: ${fmtNps(before.nps)}`, `before: ${fmtRatio(before.csat)}`]) {
      expect(p1, s).toContain(s);
    }
    const kpis = Object.fromEntries(week.model.kpis.map((k) => [k.key, k]));
    expect(kpis.calls!.value).toBe(now.calls);
    expect(kpis.nps!.n).toBe(now.npsN);
    expect(kpis.csat!.n).toBe(now.csatN);
  });

  it("states the texts scored in the week, equal to a count of the enriched texts, and weights sentiment by texts", async () => {
    const t = await scoredTexts("2026-11-09", "2026-11-15");
    const n = t.calls + t.messages + t.surveys;
    expect(weekText).toContain(`${fmtCount(n)} customer texts were scored this week (${fmtCount(t.calls)} calls, ${fmtCount(t.messages)} text messages, ${fmtCount(t.surveys)} survey comments)`);
    const avg = t.sum / n;
    expect(weekText).toContain(`average sentiment ${avg < 0 ? "−" : "+"}${Math.abs(avg).toFixed(2)}`);
    expect(weekText).not.toMatch(/scored items/); // the old section counted mart rows (45), not texts (459)
  });

  it("states the expected churners over the horizon, with a probability threshold, not a rank band", async () => {
    const [c] = await q<{ n: number; expected: number; above: number; as_of: string }>(
      "SELECT count(*) AS n, sum(churn_probability) AS expected, count(*) FILTER (WHERE churn_probability >= 0.1) AS above, CAST(max(as_of) AS VARCHAR) AS as_of FROM prediction.churn_risk");
    expect(weekText).toContain(`Expected to leave in the 14 days after`);
    expect(weekText).toContain(`${fmtOneDp(c!.expected)} of ${fmtCount(c!.n)} customers scored`);
    expect(weekText).toMatch(c!.above ? new RegExp(`${fmtCount(c!.above)} customers? ha(s|ve) at least a 10% chance`) : /No customer has a 10% or higher chance/);
    // True by construction: "x of y at high risk (10.0%)" where high is the top 10% by rank.
    expect(weekText).not.toMatch(/at high risk/);
    expect(weekText).not.toMatch(/\(10\.0%\)/);
  });

  it("shows one forecast: the chart's total is the table's, both the staffing plan's, and says which", async () => {
    const forecast = week.model.sections.find((s) => s.id === "forecast")!;
    const table = forecast.tables.find((t) => t.id === "staffing-days")!;
    const [f] = await q<{ total: number; days: number }>(`
      SELECT sum(forecast) AS total, count(DISTINCT CAST(interval_start AS DATE)) AS days FROM prediction.staffing
      WHERE line = 'All' AND channel = 'call' AND CAST(interval_start AS DATE) BETWEEN DATE '2026-11-16' AND DATE '2026-11-29'`);
    expect(table.rows.length).toBe(f!.days);
    expect(forecast.charts[0]!.takeaway).toContain(`${fmtCount(f!.total)} calls forecast`);
    expect(weekText).toContain("Forecast: the half-hour forecast the staffing plan uses, summed per day");
    const peakTable = Math.max(...table.rows.map((r) => Number(r.cells[1]!.replace(/,/g, ""))));
    expect(forecast.charts[0]!.takeaway).toContain(`at ${fmtCount(peakTable)}.`);
  });

  it("counts FCR only on cases whose repeat window has closed, like for like, and says so", () => {
    expect(weekText).toMatch(/Cases opened 1–7 Nov 2026 \(month to date: the 7 of 30 days whose window has closed\): [\d.]+% of [\d,]+ resolved at first contact, against [\d.]+% of [\d,]+ for 1–7 Oct 2026/);
    expect(weekText).toContain("Only cases whose 7-day repeat window has closed are counted");
    expect(weekText).not.toMatch(/Nov 26:/); // the young month plotted as a 13-point gain
  });

  it("labels partial periods, names holidays, shows the target, keeps small samples out of headlines, and the loop rate on its own scale", () => {
    expect(weekText).toContain("Holidays in the period: Veterans Day (Wed 11 Nov)");
    expect(weekText).toMatch(/Wed 11 Nov was Veterans Day/);
    expect(weekText).toMatch(/November 2026 to date \(to Sun 15 Nov, 15 of 30 days\)/);
    expect(weekText).toMatch(/Nov 2026 \(month to date, to Sun 15 Nov\)/);
    expect(weekText).toContain("target 80.0%");
    expect(weekText).not.toMatch(/Lowest \w{3} \d\d:00–\d\d:00: [\d.]+% of \d calls/); // "0.0% of 5 calls" headline
    const heat = week.model.sections.find((s) => s.id === "service")!.charts[0]!.takeaway;
    const named = /of (\d+) calls answered in time/.exec(heat);
    if (named) expect(Number(named[1])).toBeGreaterThanOrEqual(20);
    expect(weekText).toContain("Transfer rate and loop rate, last 12 weeks (each on its own scale)");
    // Sentences never judge a change within the noise or on too small a sample.
    for (const k of week.model.kpis) {
      if (week.model.sentences.some((s) => s.key === k.key)) expect(k.real && k.enough, k.key).toBe(true);
    }
  });

  it("carries no internal dataset name, model version, run id, raw topic id or ambiguous interval", () => {
    const names = catalog().datasets.map((d) => d.name.split(".").at(-1)!).filter((n) => n.includes("_"));
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(weekText, n).not.toContain(n);
    expect(weekText).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // snake_case: table names, topic ids such as billing_dispute
    expect(weekText).not.toMatch(/\bv\d{8}T\d{6}\b|\brun [0-9a-f]{8}\b/);
    expect(weekText).not.toMatch(/\(-?\d+\.\d–-?\d+\.\d\)/);
    // One minus sign: a negative figure prints "−12.5" (U+2212), never a hyphen ("(-31.4 to 58.1)" before).
    expect(weekText).not.toMatch(/(^|[\s(])-\d/);
    expect(monthText).not.toMatch(/(^|[\s(])-\d/);
    expect(weekText).toContain("NPS responses");
    expect(weekText).toContain("CSAT responses");
  });

  it("ends with an appendix of definitions in words and the command that reproduces the report", () => {
    expect(weekText).toContain("Appendix: how each number is defined");
    const defs = week.model.appendix.table.rows.map((r) => r.cells[1]);
    expect(defs).toContain("Net Promoter Score: the percentage of responses scoring 9–10 minus the percentage scoring 0–6 (from −100 to +100).");
    expect(weekText).toContain("Net Promoter Score: the percentage of responses");
    expect(week.model.appendix.table.rows.length).toBeGreaterThanOrEqual(17);
    expect(weekText).toContain("commsight report --kind leadership --period week --date 2026-11-15");
  });
});

describe("the printed weekly report", () => {
  it("prints header and footer with report name, period and page numbers, in the embedded font only", () => {
    const pages = pdfPagesText(week.pdf);
    pages.forEach((p, i) => {
      expect(squash(p), `page ${i + 1}`).toContain("Acme Home Services · Weekly leadership report 9–15 Nov 2026");
      expect(squash(p), `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    expect(pdfFonts(week.pdf)).toEqual(["Inter-Bold", "Inter-Regular"]);
  });

  it("keeps every chart on one page: its title and its takeaway print on the same page", () => {
    const pages = pdfPagesText(week.pdf).map(flat);
    const charts = week.model.sections.flatMap((s) => s.charts).filter((c) => c.svg && c.takeaway);
    expect(charts.length).toBeGreaterThanOrEqual(9);
    for (const c of charts) {
      const at = pages.findIndex((p) => p.includes(c.title));
      expect(at, c.title).toBeGreaterThanOrEqual(0);
      expect(pages[at], c.title).toContain(c.takeaway.slice(0, 30));
    }
  });

  it("gives byte-identical PDFs for the same data, dated by the data", async () => {
    const again = await renderLeadershipReport(config, { period: "week", outDir: join(out, "week-again") });
    expect(readFileSync(again.pdf).equals(readFileSync(week.pdf))).toBe(true);
    expect(pdfInfo(week.pdf)).toMatch(/CreationDate:\s+Sun Nov 15 00:00:00 2026 UTC/);
  });
});

describe("legends and pages of both printed reports", () => {
  const APPENDIX = "Appendix: how each number is defined";
  const reports = () => [["weekly", week], ["monthly", month]] as const;

  it("every chart's legend swatches match the marks of their series, in the SVG the PDF prints", () => {
    let entries = 0;
    let cells = 0;
    for (const [name, r] of reports()) {
      const html = readFileSync(r.html, "utf8");
      const svgs = [...html.matchAll(/<svg data-spec="([\w-]+)"[\s\S]*?<\/svg>/g)];
      expect(svgs.length, name).toBeGreaterThanOrEqual(10);
      for (const [svg, spec] of svgs) {
        expect(legendMismatches(svg, loadSpec(spec!)), `${name} ${spec}`).toEqual([]);
        entries += checkedEntries(svg, loadSpec(spec!)).length;
        const g = gradientMismatches(svg, loadSpec(spec!), (s) => Number(s.replace("%", "")) / (s.endsWith("%") ? 100 : 1));
        expect(g.problems, `${name} ${spec}`).toEqual([]);
        cells += g.cells;
      }
    }
    // The forecast's three entries, the daily volume's two, the outcomes', channel mix's, topics' and IVR's, twice.
    expect(entries).toBeGreaterThanOrEqual(2 * 15);
    expect(cells).toBeGreaterThan(20);
  });

  it("no page but the last before the appendix and the last of all is less than 55% filled (ink height ÷ page body)", () => {
    for (const [name, r] of reports()) {
      // Only the appendix starts a page of its own; every other section flows on from the one before.
      expect(newPageHeadings(readFileSync(r.html, "utf8")), name).toEqual([APPENDIX]);
      const layout = pageLayout(r.pdf, [APPENDIX]);
      expect(layout.filter((p) => !p.blockEnd && p.fill < MIN_FILL), `${name}: ${JSON.stringify(layout)}`).toEqual([]);
    }
  });

  it("would have failed the layout issue 11 found: first-contact resolution forced onto a new page, long tables kept whole", async () => {
    const html = readFileSync(week.html, "utf8").replace('<section class="block" id="section-fcr"', '<section class="block new-page" id="section-fcr"')
      .replace(/class="table-block long"/g, 'class="table-block"');
    expect(newPageHeadings(html)).toEqual(["4. First-contact resolution", APPENDIX]);
    const old = await printReport(config, { html, pdfFile: join(out, "week-as-found", "week.pdf"), reportName: week.model.reportName,
      periodLabel: week.period.label, business: week.model.business, dataDate: week.period.end });
    expect(halfEmptyPages(old.pdf, [APPENDIX]).map((p) => p.page)).toEqual([3]);
  }, 120_000);
});

describe("the monthly leadership report over the demo", () => {
  it("page 1 equals the raw lake for October and November's days are not mixed in", async () => {
    expect(month.period).toMatchObject({ start: "2026-10-01", end: "2026-10-31" });
    const p1 = flat(pdfPagesText(month.pdf)[0]!);
    const now = await page1("2026-10-01", "2026-10-31");
    for (const s of [fmtCount(now.calls), fmtCount(now.messages), fmtNps(now.nps), `n = ${fmtCount(now.npsN)} responses`, fmtRatio(now.csat), `n = ${fmtCount(now.csatN)} responses`]) {
      expect(p1, s).toContain(s);
    }
    expect(month.model.kpis.map((k) => k.key)).toContain("fcr_rate");
  });

  it("states October's texts scored, equal to the enriched texts, and carries no dataset names", async () => {
    const t = await scoredTexts("2026-10-01", "2026-10-31");
    expect(monthText).toContain(`${fmtCount(t.calls + t.messages + t.surveys)} customer texts were scored this month`);
    expect(monthText).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    for (const n of catalog().datasets.map((d) => d.name.split(".").at(-1)!).filter((x) => x.includes("_"))) expect(monthText, n).not.toContain(n);
    expect(monthText).not.toMatch(/\bv\d{8}T\d{6}\b|\brun [0-9a-f]{8}\b|model[_ ]version/i);
    expect(monthText).toContain("commsight report --kind leadership --period month --date 2026-10-31");
  });

  it("shows October's FCR on whole-month closed cases against September", () => {
    expect(monthText).toMatch(/Cases opened in October 2026: [\d.]+% of [\d,]+ resolved at first contact, against [\d.]+% of [\d,]+ for 1–30 Sep 2026/);
  });
});

describe("alert rules read the same metrics", () => {
  it("a week's NPS for a rule is the report's", async () => {
    const { readMetric, windowRanges } = await import("../../reports/rules/metrics.ts");
    const { lakePaths } = await import("../../pipelines/core/paths.ts");
    const db = await openDb();
    try {
      const r = await readMetric(db, lakePaths(config), "nps", windowRanges("week", "2026-11-15").current, "All");
      const kpi = week.model.kpis.find((k) => k.key === "nps")!;
      expect("missing" in r).toBe(false);
      if (!("missing" in r)) {
        expect(r.value).toBeCloseTo(kpi.value!, 9);
        expect(r.sample).toBe(kpi.n);
      }
    } finally {
      db.close();
    }
  });
});

describe("every number on every page is traced", () => {
  const checkEveryNumber = (r: Rendered) => tracer.checkEveryNumber(r);
  const settings = () => tracer.settings();
  it("catches a number nobody traced: page 1 with an invented figure fails", async () => {
    await checkEveryNumber(week);
    const known = tracer.traced.get(week)!.of("summary");
    // The first count and the first one-decimal percentage that page 1's recomputed figures do not contain.
    let count = 1234;
    while (known.has(String(count))) count++;
    let pct = 10.1;
    while (known.has(pct.toFixed(1))) pct = Math.round((pct + 0.1) * 10) / 10;
    const invented = `Calls reached ${fmtCount(count)}, ${pct.toFixed(1)}% of them on Mondays.`;
    const left = unaccounted(`${invented} ${fmtCount(week.model.kpis[0]!.value)} calls`, { settings: settings(), figures: known });
    expect(left.map((l) => l.split(" ")[0])).toEqual([fmtCount(count), `${pct.toFixed(1)}%`]);
  });
  it("would have failed the report as issue 11 found it: its wrong figures are not accounted for", async () => {
    await checkEveryNumber(week);
    const f = tracer.traced.get(week)!;
    const old: [string, string, string[]][] = [
      ["sentiment", "average sentiment 0.21 over 45 scored items", ["45"]], // mart rows, not texts
      ["churn", "1,198 of 11,976 scored contacts at high risk (10.0%)", ["1,198", "10.0%"]], // a rank band, true by construction
      ["forecast", "Monday peaks at 136 calls and 1,029 over 14 days", ["136", "1,029"]], // the second forecast
      ["fcr", "November shows 84.7% on 431 cases", ["84.7%", "431"]], // a young month's open cases dropped
    ];
    for (const [block, text, wrong] of old) {
      const left = unaccounted(text, { settings: settings(), figures: f.of(block) }).map((l) => l.split(" ")[0]);
      expect(left, `${block}: ${text}`).toEqual(expect.arrayContaining(wrong));
    }
  });
  it("is strict: page 1 and each section explain only a small share of the possible percentages", async () => {
    await checkEveryNumber(week);
    const all = Array.from({ length: 1000 }, (_, i) => (i / 10).toFixed(1));
    const share = Object.fromEntries([...tracer.traced.get(week)!.by].map(([b, set]) => [b, all.filter((v) => set.has(v)).length / all.length]));
    // Measured on the small demo: at most 12% (first-contact resolution: many groups and ranges); page 1 3%.
    expect(share.summary!).toBeLessThan(0.05);
    for (const [b, v] of Object.entries(share)) expect(v, b).toBeLessThan(0.2);
  });

  it("the weekly report: each number is a date, a stated setting, an axis tick or a figure recomputed here", async () => {
    const left = await checkEveryNumber(week);
    expect(left).toEqual({});
  });
  it("the monthly report: each number is a date, a stated setting, an axis tick or a figure recomputed here", async () => {
    const left = await checkEveryNumber(month);
    expect(left).toEqual({});
  });
});

/**
 * No sentence cites a figure on fewer than the metric's minimum sample (metric_definitions.min_sample) without
 * saying so: every "x% of n calls/cases/responses/texts" (and "… on n responses") in a sentence with n below the
 * minimum also says the sample is too small.
 */
async function smallSampleSentences(r: Rendered): Promise<string[]> {
  const defs = await q<{ metric: string; min_sample: number }>(
    `SELECT metric, min_sample FROM read_csv('${join(process.cwd(), "transforms", "seeds", "metric_definitions.csv")}', header = true)`);
  const min = (m: string) => Number(defs.find((d) => d.metric === m)!.min_sample);
  const byNoun: [RegExp, number][] = [
    [/responses\b/, Math.min(min("nps"), min("csat"))], [/cases\b/, min("fcr_rate")], [/texts\b/, min("sentiment")],
    [/(queued |answered |inbound |transferred )?calls\b/, Math.min(min("service_level"), min("answer_rate"), min("transfer_rate"))],
  ];
  const text = flat(pdfText(r.pdf));
  const bad: string[] = [];
  for (const sentence of text.split(/(?<=[.;])\s+(?=[A-Z“])/)) {
    for (const m of sentence.matchAll(/(?:[\d.]+%|[−+-]?\d+\.\d)\s*(?:±\s*[\d.]+(?: points)?\s*)?(?:of|on|over) ([\d,]+) ((?:queued |answered |inbound |transferred )?(?:calls|cases|responses|texts))/g)) {
      const n = Number(m[1]!.replace(/,/g, ""));
      const floor = byNoun.find(([re]) => re.test(m[2]!))![1];
      if (n < floor && !/too few|\(few\)|small sample|fewer than/.test(sentence)) bad.push(`${m[0]} (minimum ${floor}): ${sentence}`);
    }
  }
  return bad;
}

describe("small samples are said to be small", () => {
  it("weekly and monthly: no sentence cites a figure below the minimum sample without saying so", async () => {
    expect(await smallSampleSentences(week)).toEqual([]);
    expect(await smallSampleSentences(month)).toEqual([]);
  });
});
