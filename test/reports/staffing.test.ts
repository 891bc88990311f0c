/**
 * The planners' staffing report on a plan the staffing model itself builds (models/staffing buildStaffing, real
 * DuckDB and HiGHS) from a known forecast for three lines, calls and messages, on the fixture business:
 * the PDF (real Chromium, read back with pdftotext) and the CSV beside it are checked against numbers the test
 * computes on its own — Erlang C per interval, the day's weighted service level, sums of the CSV, the shift
 * plan's coverage of every open interval and its paid hours — and closed days (Thanksgiving, Sunday) show no staff.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../pipelines/core/config.ts";
import { exec, openDb } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { businessCalendar } from "../../models/shared/businessCalendar.ts";
import { calendarGrid } from "../../models/shared/grid.ts";
import type { Path, SeriesBundle } from "../../models/shared/series.ts";
import { STAFFING_CSV_COLUMNS } from "../../models/staffing/csv.ts";
import { buildStaffing } from "../../models/staffing/index.ts";
import { renderStaffingReport } from "../../reports/staffing/render.ts";
import { buildFixture } from "./fixture.ts";
import { pdfPagesText, pdfText, squash } from "./pdf.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-staffing-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dayNum = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const LINES = ["Billing", "Sales", "Support"] as const;
const SCALE: Record<string, number> = { Billing: 1, Sales: 0.6, Support: 1.6 };
/** The known forecast: calls per half-hour for a line, slot and ISO weekday (messages: a third, all day). */
const callsAt = (line: string, slot: number, wd: number) => SCALE[line]! * (4 + 6 * Math.exp(-(((slot - 22) / 5) ** 2))) * (wd === 1 ? 1.3 : 1);
const messagesAt = (line: string, slot: number) => (SCALE[line]! * (1 + 2 * Math.exp(-(((slot - 26) / 8) ** 2)))) / 3;

// Erlang C written here from the textbook formulas (Erlang B recursion), independently of models/staffing.
function erlangC(n: number, a: number): number {
  if (a <= 0) return 0;
  if (n <= a) return 1;
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return (n * b) / (n - a * (1 - b));
}
const slC = (n: number, a: number, aht: number, t: number) => (a <= 0 ? 1 : n <= a ? 0 : 1 - erlangC(n, a) * Math.exp((-(n - a) * t) / aht));
const asaC = (n: number, a: number, aht: number) => (a <= 0 ? 0 : (erlangC(n, a) * aht) / (n - a));
function staffC(calls: number, aht: number) {
  const a = (calls * aht) / 1800;
  let n = Math.max(1, Math.floor(a) + 1);
  while (slC(n, a, aht, 20) < 0.8 || a / n > 0.85) n++;
  return { n, a, sl: slC(n, a, aht, 20), asa: asaC(n, a, aht), occ: a / n };
}

type CsvRow = Record<(typeof STAFFING_CSV_COLUMNS)[number], string>;
function readCsv(file: string): CsvRow[] {
  const [head, ...lines] = readFileSync(file, "utf8").trimEnd().split(/\r?\n/);
  const cols = head!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])) as CsvRow);
}

/** The numbers (and n/a) printed after a label on its line, e.g. "Billing calls 123.4 5 … 85.2% 0:12". */
function numbersAfter(line: string, label: string): string[] {
  return line.slice(line.indexOf(label) + label.length).trim().split(/\s+/);
}
const hhmm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const pctOf = (s: string) => Number(s.replace("%", "")) / 100;
const secondsOf = (s: string) => { const [m, x] = s.split(":").map(Number); return m! * 60 + x!; };

describe("staffing report", () => {
  let config: Config;
  let result: Awaited<ReturnType<typeof renderStaffingReport>>;
  let text: string;
  let pages: string[];
  let csv: CsvRow[];

  beforeAll(async () => {
    config = await buildFixture(join(tmp, "full"), { forecast: true, full: true });
    const paths = lakePaths(config);
    const cal = businessCalendar(config);
    // Three observed weeks to Sun 22 Nov, then the week of 23 Nov forecast (Thanksgiving Thu 26 Nov is closed).
    const first = dayNum("2026-11-02");
    const days = Array.from({ length: 21 }, (_, i) => first + i);
    const grid = calendarGrid(days, 48, 14);
    grid.open = cal.openSlots(grid.dayNumber[0]!, grid.dayNumber[grid.dayNumber.length - 1]!, 30);
    const keys = [...["All", ...LINES].map((line) => ({ line, channel: "call" })), ...["All", ...LINES].map((line) => ({ line, channel: "message" }))];
    const H = 7 * 48;
    const origin = grid.n - 1;
    const path = (f: (t: number) => number): Path => {
      const forecast = Float64Array.from({ length: H }, (_, h) => f(origin + 1 + h));
      return { forecast, lower80: forecast.map((v) => v * 0.8), upper80: forecast.map((v) => v * 1.25), lower95: forecast.map((v) => v * 0.7), upper95: forecast.map((v) => v * 1.4) };
    };
    const wd = (t: number) => grid.weekday[grid.dayOf[t]!]!;
    const line = (l: string, ch: string) => (t: number) => (ch === "call" ? (grid.open![t] ? callsAt(l, grid.slotOf[t]!, wd(t) + 1) : 0) : messagesAt(l, grid.slotOf[t]!));
    const fc = keys.map((k) => path(k.line === "All" ? (t) => LINES.reduce((s, l) => s + line(l, k.channel)(t), 0) : line(k.line, k.channel)));
    const b: SeriesBundle = { grid, keys, names: keys.map((k) => `${k.line}/${k.channel}`), y: keys.map(() => new Float64Array(grid.n)), firstDay: first, holidaySource: "test" };
    const db = await openDb();
    try {
      await buildStaffing(db, paths, config.models.staffing, cal, b, origin, fc, "fc-test");
      // Forecast accuracy of four weeks (the contract's shape): All calls with known numbers.
      mkdirSync(join(paths.marts, "forecast_accuracy"), { recursive: true });
      await exec(db, `COPY (
        SELECT CAST(DATE '2026-10-26' + INTERVAL (7 * w) DAY AS DATE) AS week_start, 1 AS horizon_week, line, channel, 7 AS days, 1 AS origins,
               CAST(1000 + 10 * w AS DOUBLE) AS actual, CAST(1000 + 10 * w + 50 AS DOUBLE) AS forecast, 7.5 AS mae, 0.61 + w / 100 AS mase,
               CAST(0.05 AS DOUBLE) AS wape, CAST(50.0 / (1000 + 10 * w) AS DOUBLE) AS bias, CAST(6.0 / 7 AS DOUBLE) AS coverage80, CAST(1 AS DOUBLE) AS coverage95, 'backtest' AS sources
        FROM range(4) t(w), (VALUES ('All', 'call'), ('Billing', 'call'), ('All', 'message')) q(line, channel)
      ) TO '${join(paths.marts, "forecast_accuracy", "data.parquet")}' (FORMAT parquet)`);
    } finally {
      db.close();
    }
    result = await renderStaffingReport(config, { period: "week", date: "2026-11-23" });
    text = squash(pdfText(result.pdf));
    pages = pdfPagesText(result.pdf).map(squash);
    csv = readCsv(result.csv);
  }, 300_000);

  it("writes the PDF, the HTML and the CSV side by side under reports/<period end>/", () => {
    const dir = join(lakePaths(config).reports, "2026-11-29");
    expect(result.files).toEqual([join(dir, "staffing-week-2026-11-29.pdf"), join(dir, "staffing-week-2026-11-29.html"), join(dir, "staffing-week-2026-11-29.csv")]);
    expect(readFileSync(result.html, "utf8")).toContain("The same numbers are in staffing-week-2026-11-29.csv beside this PDF.");
    pages.forEach((p, i) => expect(p).toContain(`Weekly staffing plan · 23–29 Nov 2026 Page ${i + 1} of ${pages.length}`));
  });

  it("has one CSV schema for every queue, rounded as a planner reads them, and no row on a closed day", () => {
    expect(readFileSync(result.csv, "utf8").split(/\r?\n/)[0]).toBe(STAFFING_CSV_COLUMNS.join(","));
    const queues = new Set(csv.map((r) => `${r.channel}|${r.line}|${r.pooling}`));
    expect([...queues].sort()).toEqual(["calls|All|pooled", "calls|Billing|dedicated", "calls|Sales|dedicated", "calls|Support|dedicated",
      "messages|All|pooled", "messages|Billing|dedicated", "messages|Sales|dedicated", "messages|Support|dedicated"]);
    expect(new Set(csv.map((r) => r.date))).toEqual(new Set(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-27", "2026-11-28"]));
    for (const r of csv) {
      expect(r.forecast).toMatch(/^\d+(\.\d)?$/);
      expect(r.service_level_pct).toMatch(/^\d+(\.\d)?$/);
      expect(r.handle_seconds).toMatch(/^\d+$/);
      expect(Number(r.scheduled)).toBe(Math.ceil(Number(r.agents_needed) / 0.7 - 1e-9)); // shrinkage 30%
      expect(Number(r.rostered)).toBeGreaterThanOrEqual(Number(r.scheduled));
    }
  });

  it("agrees with Erlang C computed here on every open interval of every call queue", () => {
    const calls = csv.filter((r) => r.channel === "calls");
    expect(calls.length).toBeGreaterThan(100);
    for (const r of calls) {
      const wd = new Date(`${r.date}T00:00:00Z`).getUTCDay() || 7;
      const slot = hhmm(r.interval_start) / 30;
      const f = r.line === "All" ? LINES.reduce((s, l) => s + callsAt(l, slot, wd), 0) : callsAt(r.line, slot, wd);
      const c = staffC(f, Number(r.handle_seconds));
      expect(Number(r.forecast)).toBeCloseTo(f, 1);
      expect(Number(r.agents_needed)).toBe(c.n);
      expect(Number(r.service_level_pct)).toBeCloseTo(100 * c.sl, 1);
      expect(Number(r.asa_seconds)).toBe(Math.round(c.asa));
      expect(Number(r.occupancy_pct)).toBeCloseTo(100 * c.occ, 1);
    }
    // The pooled queue's interval table prints the same: Mon 23 Nov 11:00.
    const c = staffC(LINES.reduce((s, l) => s + callsAt(l, 22, 1), 0), 300);
    const row = csv.find((r) => r.line === "All" && r.channel === "calls" && r.date === "2026-11-23" && r.interval_start === "11:00")!;
    expect(text).toContain(`11:00 ${row.forecast} ${row.lower80}–${row.upper80} 5:00 ${c.n} ${Math.ceil(c.n / 0.7)} ${row.rostered} ${(100 * c.sl).toFixed(1)}% 0:${String(Math.round(c.asa)).padStart(2, "0")} ${(100 * c.occ).toFixed(1)}%`);
  });

  it("prints per day every queue's forecast, service level, ASA, occupancy and abandonment, matching the CSV", () => {
    const labels: Array<[string, string, string]> = [["Billing calls", "calls", "Billing"], ["Sales calls", "calls", "Sales"], ["Support calls", "calls", "Support"],
      ["All calls (pooled)", "calls", "All"], ["Billing messages", "messages", "Billing"], ["All messages (pooled)", "messages", "All"]];
    for (const date of ["2026-11-23", "2026-11-27"]) {
      const title = `${date === "2026-11-23" ? "Mon 23 Nov" : "Fri 27 Nov"} 2026 · open`;
      const page = pages.find((p) => p.includes(title))!;
      expect(page).toBeDefined();
      const section = page.slice(page.indexOf(title));
      for (const [label, channel, line] of labels) {
        const rs = csv.filter((r) => r.date === date && r.channel === channel && r.line === line);
        const printed = numbersAfter(section.split("\n").find((l) => l.trimStart().startsWith(label))!, label);
        // Queue | Forecast | Peak agents | Agent-hours | Peak scheduled | Scheduled hours | Paid hours | FTE | SL | ASA | Occupancy | Abandoned
        expect(Number(printed[0]!.replace(",", ""))).toBeCloseTo(rs.reduce((s, r) => s + Number(r.forecast), 0), -Math.log10(0.05 * rs.length + 0.05));
        expect(Number(printed[1])).toBe(Math.max(...rs.map((r) => Number(r.agents_needed))));
        expect(Number(printed[2])).toBe(rs.reduce((s, r) => s + Number(r.agents_needed), 0) / 2);
        expect(Number(printed[4])).toBe(rs.reduce((s, r) => s + Number(r.scheduled), 0) / 2);
        // Service level and ASA weighted by the contacts offered (the CSV's forecast; messages also carry the night's backlog, hence the looser check).
        const w = (f: (r: CsvRow) => number) => rs.reduce((s, r) => s + f(r) * Number(r.forecast), 0) / rs.reduce((s, r) => s + Number(r.forecast), 0);
        const tol = channel === "calls" ? 0.002 : 0.05;
        expect(Math.abs(pctOf(printed[7]!) - w((r) => Number(r.service_level_pct) / 100)), `${date} ${label} ${printed.join(" ")}`).toBeLessThan(tol);
        if (channel === "calls") expect(Math.abs(secondsOf(printed[8]!) - w((r) => Number(r.asa_seconds)))).toBeLessThan(1.5);
        const occ = rs.reduce((s, r) => s + (Number(r.occupancy_pct) / 100) * Number(r.agents_needed), 0) / rs.reduce((s, r) => s + Number(r.agents_needed), 0);
        expect(Math.abs(pctOf(printed[9]!) - occ)).toBeLessThan(0.002);
        expect(printed[10]).toBe("n/a"); // no patience estimate: Erlang C, no abandonment figure
      }
    }
  });

  it("prints the assumptions: 80/20, shrinkage, maximum occupancy, pooled vs dedicated and the message method with its source", () => {
    const text = pages.join(" ").replace(/Weekly staffing plan · 23–29 Nov 2026 Page \d+ of \d+|Fixture Plumbing & Heating · Weekly staffing plan 23–29 Nov 2026/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("Service level target: 80.0% of calls answered within 20 seconds (80/20)");
    expect(text).toContain("maximum occupancy 85.0%");
    expect(text).toContain("Shrinkage 30.0%");
    expect(text).toMatch(/assumes every agent takes every line's contacts \(fully cross-skilled\)\. Planned line by line the calls need [\d,.]+ agent-hours, pooled [\d,.]+ \(\+[\d.]+% for dedicated teams\)/);
    const lineHours = csv.filter((r) => r.channel === "calls" && r.line !== "All").reduce((s, r) => s + Number(r.agents_needed) / 2, 0);
    const pooled = csv.filter((r) => r.channel === "calls" && r.line === "All").reduce((s, r) => s + Number(r.agents_needed) / 2, 0);
    expect(text).toContain(`Planned line by line the calls need ${lineHours.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} agent-hours, pooled ${pooled.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}`);
    expect(text).toContain("Erlang C on the first-response target (80.0% answered within 15:00) with a concurrency of 3");
    expect(text).toContain("Koole, Call Center Optimization (2013)");
  });

  it("prints a shift plan per day and queue that covers every open interval's scheduled agents, with its paid hours and the LP bound", () => {
    const rows = text.split("\n");
    const from = rows.findIndex((l) => l.includes("Shift plan, Mon 23 Nov 2026"));
    const to = rows.findIndex((l, i) => i > from && l.includes("Shift plan, Tue 24 Nov 2026"));
    const day = rows.slice(from, to);
    for (const [label, channel, line] of [["Billing calls", "calls", "Billing"], ["Sales calls", "calls", "Sales"], ["Support calls", "calls", "Support"],
      ["All calls (pooled)", "calls", "All"], ["All messages (pooled)", "messages", "All"]] as const) {
      // "Billing calls full day 08:00–16:30 11:30–12:00 1 8.0" per shift, then "Billing calls total 11 66.0 66.0".
      const esc = label.replace(/[()]/g, "\\$&");
      const shifts = day.flatMap((l) => {
        const m = new RegExp(`^ ?${esc} (.+?) (\\d\\d:\\d\\d)–(\\d\\d:\\d\\d) (?:—|(\\d\\d:\\d\\d)–(\\d\\d:\\d\\d)) (\\d+) ([\\d.]+)$`).exec(l);
        return m ? [{ start: hhmm(m[2]!), end: hhmm(m[3]!), brk: m[4] ? [hhmm(m[4]), hhmm(m[5]!)] as const : null, n: Number(m[6]), paid: Number(m[7]) }] : [];
      });
      expect(shifts.length, label).toBeGreaterThan(0);
      const total = day.map((l) => new RegExp(`^ ?${esc} total (\\d+) ([\\d.]+) ([\\d.]+)$`).exec(l)).find(Boolean)!;
      expect(total, label).toBeTruthy();
      // Paid hours: shift length less its unpaid break, times the people on it — summed, as printed.
      for (const x of shifts) expect(x.paid).toBeCloseTo((x.n * (x.end - x.start - (x.brk ? x.brk[1] - x.brk[0] : 0))) / 60, 6);
      expect(Number(total[1])).toBe(shifts.reduce((s, x) => s + x.n, 0));
      expect(Number(total[2])).toBeCloseTo(shifts.reduce((s, x) => s + x.paid, 0), 6);
      expect(Number(total[3])).toBeLessThanOrEqual(Number(total[2]) + 1e-9); // the LP bound is below the plan
      // Coverage: people working (not on break) in each open interval of the CSV, at least its scheduled agents.
      const open = csv.filter((x) => x.date === "2026-11-23" && x.channel === channel && x.line === line);
      expect(open.length).toBe(24); // 08:00-20:00
      for (const r of open) {
        const t = hhmm(r.interval_start);
        const working = shifts.reduce((s, x) => s + (x.start <= t && t + 30 <= x.end && !(x.brk && x.brk[0] < t + 30 && t < x.brk[1]) ? x.n : 0), 0);
        expect(working, `${label} ${r.interval_start}`).toBeGreaterThanOrEqual(Number(r.scheduled));
        expect(working, `${label} ${r.interval_start}`).toBe(Number(r.rostered));
      }
    }
  });

  it("shows no staff on Thanksgiving and Sunday and says why", () => {
    expect(text).toContain("No staff on Thu 26 Nov (closed, Thanksgiving Day), Sun 29 Nov (closed).");
    expect(text).not.toContain("Thu 26 Nov 2026 · open");
    expect(text).not.toContain("Shift plan, Thu 26 Nov 2026");
  });

  it("shows the forecast's accuracy of the last four weeks", () => {
    expect(text).toContain("Forecast accuracy, the last 4 weeks scored");
    // Week of 16 Nov (w = 3): actual 1,030, forecast 1,080, WAPE 5.0%, bias +4.9%, MASE 0.64, 85.7% and 100.0% held.
    expect(text).toMatch(/Mon 16 Nov 2026 All calls \(pooled\) 1,030 1,080 5\.0% \+4\.9% 0\.64 85\.7% 100\.0% backtest/);
    expect(text).toContain("Mon 26 Oct 2026 Billing calls");
  });

  it("says the plan is not available when no staffing mart was built, and still writes a header-only CSV", async () => {
    const bare = await buildFixture(join(tmp, "bare"));
    const r = await renderStaffingReport(bare, { period: "week" });
    expect(squash(pdfText(r.pdf))).toContain("Staffing plan not available yet: no staffing mart has been built");
    expect(readFileSync(r.csv, "utf8")).toBe(`${STAFFING_CSV_COLUMNS.join(",")}\n`);
  });
});
