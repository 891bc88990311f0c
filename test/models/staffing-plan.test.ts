/**
 * The planner's pieces, each against a computation written here: the business calendar (closed
 * days, holidays, special hours), message staffing (a worked example by the classic Erlang C sum),
 * the shift program (optimal against brute force on small days), reconciliation (WLS by hand,
 * coherence), and forecast snapshots (retention, a rerun replacing its origin) with the accuracy
 * mart against a hand-computed case.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { lakePaths, martScan } from "../../pipelines/core/paths.ts";
import { businessCalendar } from "../../models/shared/businessCalendar.ts";
import { isoToDays } from "../../models/shared/dates.ts";
import { calendarGrid } from "../../models/shared/grid.ts";
import type { Path, SeriesBundle } from "../../models/shared/series.ts";
import { mulberry32 } from "../../models/shared/rng.ts";
import { combineDays, hierarchyOf, reconcile, reconcileCross } from "../../models/forecast/reconcile.ts";
import { writeAccuracy, writeSnapshots } from "../../models/forecast/snapshots.ts";
import { messageStaffing } from "../../models/staffing/messages.ts";
import { planShifts, shiftCandidates } from "../../models/staffing/shifts.ts";
import { tmpDir } from "../helpers/records.ts";

const day = (iso: string) => isoToDays(iso);

describe("the business calendar", () => {
  const cal = businessCalendar(parseConfig({}));
  const hours = (iso: string) => { const d = cal.days(day(iso), day(iso))[0]!; return d.open === null ? "closed" : `${d.open / 60}-${d.close! / 60}`; };

  it("has the demo business's hours by default: weekdays 8-20, Saturday 8-13, Sunday and federal holidays closed", () => {
    expect(hours("2026-11-16")).toBe("8-20"); // Monday
    expect(hours("2026-11-21")).toBe("8-13"); // Saturday
    expect(hours("2026-11-22")).toBe("closed"); // Sunday
    expect(hours("2026-11-26")).toBe("closed"); // Thanksgiving
    expect(hours("2026-07-03")).toBe("closed"); // Independence Day observed (July 4 is a Saturday)
    expect(hours("2026-07-04")).toBe("8-13"); // …so the Saturday itself keeps its hours
    expect(cal.days(day("2026-11-26"), day("2026-11-26"))[0]!.holiday).toBe("Thanksgiving Day");
    // 30-minute slots of a Saturday: 08:00 … 12:30 open.
    const slots = cal.openSlots(day("2026-11-21"), day("2026-11-21"), 30);
    expect([...slots].flatMap((v, i) => (v ? [i] : []))).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });

  it("takes weekday hours, holiday exceptions and special days from config", () => {
    const c = businessCalendar(parseConfig({ business: {
      hours: { sat: "closed", sun: "10:00-14:00" },
      holidays: { open: ["Columbus Day"], hours: "09:00-12:00" },
      specialDays: [{ date: "2026-12-24", hours: "08:00-12:00", name: "Christmas Eve" }, { date: "2026-11-17", hours: "closed", name: "Inventory" }],
    } }));
    const h = (iso: string) => { const d = c.days(day(iso), day(iso))[0]!; return d.open === null ? "closed" : `${d.open / 60}-${d.close! / 60}`; };
    expect(h("2026-11-21")).toBe("closed");
    expect(h("2026-11-22")).toBe("10-14");
    expect(h("2026-10-12")).toBe("8-20"); // Columbus Day: open as usual
    expect(h("2026-11-26")).toBe("9-12"); // other holidays: holiday hours
    expect(h("2026-12-24")).toBe("8-12");
    expect(h("2026-11-17")).toBe("closed");
  });

  it("rejects bad hours and unknown countries naming the key", () => {
    expect(() => parseConfig({ business: { hours: { mon: "20:00-08:00" } } })).toThrow(/business\.hours\.mon/);
    expect(() => parseConfig({ business: { holidays: { country: "XX" } } })).toThrow(/business\.holidays\.country.*date-holidays knows no country/);
    expect(() => parseConfig({ business: { specialDays: [{ date: "2026-02-30", hours: "closed" }] } })).toThrow(/business\.specialDays\.0\.date/);
  });
});

/** Erlang C by its textbook sum: C = (Aᴺ/N! · N/(N−A)) ÷ (Σₖ<N Aᵏ/k! + Aᴺ/N! · N/(N−A)). */
function erlangCSum(n: number, a: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) { sum += term; term *= a / (k + 1); }
  const top = term * (n / (n - a));
  return top / (sum + top);
}

describe("message staffing (Erlang C on the first-response target with concurrency)", () => {
  it("reproduces a worked example: 60 messages / 30 min, 120 s of work each, 2 at once, 80% answered within 5 min", () => {
    // Work 60 × 120 / 1800 = 4 agents' worth; as 2 servers per agent, traffic 8 with 240 s per message.
    // Servers: 9 give 1 − C(9, 8)·e^(−1·300/240) = 0.813 ≥ 0.8 (8 would be unstable) → ⌈9 / 2⌉ = 5 agents;
    // the 85% occupancy cap also asks ⌈4 / 0.85⌉ = 5. With 5 agents (10 servers): SL 0.966, wait 49 s, occupancy 0.8.
    const sl9 = 1 - erlangCSum(9, 8) * Math.exp((-(9 - 8) * 300) / 240);
    expect(sl9).toBeGreaterThanOrEqual(0.8);
    const p = messageStaffing(60, 1800, { handleSeconds: 120, concurrency: 2, responseShare: 0.8, responseSeconds: 300, maxOccupancy: 0.85, minAgents: 0 });
    expect(p.workErlangs).toBe(4);
    expect(p.agents).toBe(5);
    expect(p.servers).toBe(10);
    expect(p.serviceLevel).toBeCloseTo(1 - erlangCSum(10, 8) * Math.exp((-(10 - 8) * 300) / 240), 12);
    expect(p.asaSeconds).toBeCloseTo((erlangCSum(10, 8) * 240) / (10 - 8), 9);
    expect(p.occupancy).toBeCloseTo(0.8, 12);
    // A quiet interval still gets one agent answering; none arriving, the minimum.
    expect(messageStaffing(0.3, 1800, { handleSeconds: 120, concurrency: 3, responseShare: 0.8, responseSeconds: 900, maxOccupancy: 0.85, minAgents: 0 }).agents).toBe(1);
    expect(messageStaffing(0, 1800, { handleSeconds: 120, concurrency: 3, responseShare: 0.8, responseSeconds: 900, maxOccupancy: 0.85, minAgents: 0 }).agents).toBe(0);
  });
});

describe("the shift program", () => {
  // A 2-hour day in 30-minute slots: shifts of 1 h, 1.5 h, and 2 h with a 30-minute unpaid break after 30 or 60 minutes.
  const templates = [
    { name: "1h", minutes: 60, breakMinutes: 0 },
    { name: "1.5h", minutes: 90, breakMinutes: 0 },
    { name: "2h", minutes: 120, breakMinutes: 30, breakWindow: [30, 60] as [number, number] },
  ];
  // The same shifts written out by hand: [slots worked, paid hours].
  const byHand: Array<[number[], number]> = [
    [[0, 1], 1], [[1, 2], 1], [[2, 3], 1],
    [[0, 1, 2], 1.5], [[1, 2, 3], 1.5],
    [[0, 2, 3], 1.5], [[0, 1, 3], 1.5],
  ];
  function bruteForce(req: number[]): number {
    let best = Infinity;
    const max = Math.max(...req);
    const x = new Array<number>(byHand.length).fill(0);
    const walk = (j: number, cost: number) => {
      if (cost >= best) return;
      if (j === byHand.length) {
        const cover = [0, 0, 0, 0];
        byHand.forEach(([slots], k) => slots.forEach((t) => (cover[t]! += x[k]!)));
        if (cover.every((c, t) => c >= req[t]!)) best = cost;
        return;
      }
      for (let n = 0; n <= max; n++) { x[j] = n; walk(j + 1, cost + n * byHand[j]![1]); }
      x[j] = 0;
    };
    walk(0, 0);
    return best;
  }

  it("generates every placement of every template, breaks included", () => {
    const c = shiftCandidates(0, 120, 30, templates);
    expect(c.map((s) => [s.covers, s.paidMinutes / 60]).sort()).toEqual([...byHand].sort());
  });

  it("finds the least paid hours brute force finds, on 12 random small days, and the LP bound is below it", async () => {
    const rng = mulberry32(5);
    const cands = shiftCandidates(0, 120, 30, templates);
    for (let i = 0; i < 12; i++) {
      const req = [0, 1, 2, 3].map(() => Math.floor(rng() * 4));
      const plan = await planShifts(req, cands);
      expect(plan.paidHours, `requirement ${req}`).toBeCloseTo(bruteForce(req), 9);
      expect(plan.uncovered).toEqual([]);
      plan.rostered.forEach((r, t) => expect(r).toBeGreaterThanOrEqual(req[t]!));
      expect(plan.lpBoundHours).toBeLessThanOrEqual(plan.paidHours + 1e-9);
    }
  });

  it("covers a 12-hour day with the default templates and says when nothing fits", async () => {
    const cfg = parseConfig({}).models.staffing;
    const req = Array.from({ length: 48 }, (_, s) => (s >= 16 && s < 40 ? 1 + Math.round(4 * Math.sin(((s - 16) / 24) * Math.PI)) : 0));
    const plan = await planShifts(req, shiftCandidates(480, 1200, 30, cfg.shifts.templates));
    expect(plan.uncovered).toEqual([]);
    expect(plan.paidHours).toBeGreaterThanOrEqual(plan.lpBoundHours - 1e-9);
    // A one-hour opening shorter than every template: one shift over the opening hours.
    const short = shiftCandidates(600, 660, 30, cfg.shifts.templates);
    expect(short.map((s) => [s.start, s.end, s.covers])).toEqual([[600, 660, [20, 21]]]);
  });
});

describe("reconciliation", () => {
  it("is WLS with variance φ × forecast: the hand-computed adjustment, and lines adding up to the total", () => {
    // Total forecast 100, lines 30 + 50 (sum 80), φ = 1 everywhere: λ = (100 − 80) ÷ (100 + 30 + 50) = 1/9.
    const out = reconcileCross([Float64Array.of(100), Float64Array.of(30), Float64Array.of(50)], [{ total: 0, lines: [1, 2] }], [1, 1, 1]);
    expect(out[1]![0]).toBeCloseTo(30 * (1 + 1 / 9), 12);
    expect(out[2]![0]).toBeCloseTo(50 * (1 + 1 / 9), 12);
    expect(out[0]![0]).toBeCloseTo(80 * (1 + 1 / 9), 12);
    // A line forecast at zero stays zero.
    const z = reconcileCross([Float64Array.of(10), Float64Array.of(0), Float64Array.of(5)], [{ total: 0, lines: [1, 2] }], [1, 1, 1]);
    expect(z[1]![0]).toBe(0);
    expect(z[0]![0]).toBeCloseTo(z[2]![0]!, 12);
  });

  it("takes the day's level from the intraday model (or combines it with the daily one by inverse variance) and makes both grains coherent", () => {
    // Daily 120, intraday sum 80, φ_D = 1, φ_F = 2: (120/120 + 80/160) ÷ (1/120 + 1/160) = 102.857…
    const c = combineDays(Float64Array.of(120), Float64Array.of(20, 60), 2, 1, 2);
    expect(c[0]).toBeCloseTo((120 / 120 + 80 / 160) / (1 / 120 + 1 / 160), 12);
    const keys = [{ line: "All", channel: "call" }, { line: "A", channel: "call" }, { line: "B", channel: "call" }];
    const groups = hierarchyOf(keys);
    const rng = mulberry32(9);
    const daily = keys.map(() => Float64Array.from({ length: 3 }, () => 50 + 100 * rng()));
    const intra = keys.map(() => Float64Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? 0 : 5 + 20 * rng())));
    intra[2]!.fill(0, 4, 8); // line B: an all-zero day
    const phi = { daily: [1, 2, 3], intra: [1, 1, 1], intraDay: [2, 2, 2] };
    for (const level of ["intraday", "combined"] as const) {
      const r = reconcile(daily, intra, 4, groups, phi, () => [1, 2, 3, 4], level);
      for (let d = 0; d < 3; d++) {
        for (let s = 0; s < 3; s++) {
          const sum = r.intra[s]!.slice(d * 4, d * 4 + 4).reduce((a, v) => a + v, 0);
          expect(sum).toBeCloseTo(r.daily[s]![d]!, 9);
        }
        expect(r.daily[1]![d]! + r.daily[2]![d]!).toBeCloseTo(r.daily[0]![d]!, 9);
        for (let k = 0; k < 4; k++) expect(r.intra[1]![d * 4 + k]! + r.intra[2]![d * 4 + k]!).toBeCloseTo(r.intra[0]![d * 4 + k]!, 9);
      }
      if (level === "combined") {
        expect(r.intra[2]![4]! / r.intra[2]![7]!).toBeCloseTo(1 / 4, 9); // the daily model gives B a day: the profile 1:2:3:4 shapes it
      } else {
        // Day 1 by hand: the intraday sums, lines moved by WLS (w = φ × sum) to meet the total's sum; B's zero day stays zero.
        const sums = intra.map((p) => p.slice(4, 8).reduce((a, v) => a + v, 0));
        const lambda = (sums[0]! - sums[1]! - sums[2]!) / (2 * sums[0]! + 2 * sums[1]! + 2 * sums[2]!);
        expect(r.daily[1]![1]).toBeCloseTo(sums[1]! * (1 + 2 * lambda), 9);
        expect(r.daily[2]![1]).toBe(0);
        const cross = reconcileCross(intra, groups, phi.intra);
        expect(r.intra[1]![5]! / r.intra[1]![6]!).toBeCloseTo(cross[1]![5]! / cross[1]![6]!, 9); // the shape of the reconciled intervals is kept
      }
    }
  });
});

describe("forecast snapshots and forecast_accuracy", () => {
  it("keep one snapshot per origin (a rerun replaces it, a run beats a backtest, old ones expire) and score them by hand", async () => {
    const config = parseConfig({ paths: { data: tmpDir("snapshots-") } });
    const paths = lakePaths(config);
    const first = day("2026-10-05"); // a Monday
    const days = Array.from({ length: 40 }, (_, i) => first + i);
    // One line 'Sales' and its total, calls only: y = 10 on every day, 20 on Mondays.
    const y = (d: number) => (new Date(d * 86_400_000).getUTCDay() === 1 ? 20 : 10);
    const db = await openDb();
    try {
      mkdirSync(join(paths.marts, "daily_volume"), { recursive: true });
      await exec(db, `COPY (SELECT CAST(DATE '1970-01-01' + CAST(d AS INTEGER) AS DATE) AS date, 'Sales' AS line, 'call' AS channel, 'incoming' AS direction,
        CAST(CASE WHEN isodow(DATE '1970-01-01' + CAST(d AS INTEGER)) = 1 THEN 20 ELSE 10 END AS BIGINT) AS interactions
        FROM range(${first}, ${first + 40}) t(d)) TO '${join(paths.marts, "daily_volume", "data.parquet")}' (FORMAT parquet)`);
      const grid = calendarGrid(days, 1, 14);
      const b: SeriesBundle = { grid, keys: [{ line: "All", channel: "call" }, { line: "Sales", channel: "call" }], names: ["All/call", "Sales/call"], y: [], firstDay: first, holidaySource: "test" };
      const flat = (v: number, lo: number, hi: number): Path => ({
        forecast: new Float64Array(14).fill(v), lower80: new Float64Array(14).fill(lo), upper80: new Float64Array(14).fill(hi),
        lower95: new Float64Array(14).fill(lo - 1), upper95: new Float64Array(14).fill(hi + 1),
      });
      // Origin 2026-11-01 (ordinal 27), a backtest forecasting 12 a day (80%: 11-13), then a run forecasting 11 (80%: 9-25).
      await writeSnapshots(db, paths, b, [{ originDay: 27, paths: [flat(12, 11, 13), flat(12, 11, 13)], source: "backtest", version: "v1", lastDay: 39 }], 400);
      await writeSnapshots(db, paths, b, [{ originDay: 27, paths: [flat(11, 9, 25), flat(11, 9, 25)], source: "run", version: "v2" }], 400);
      // A later backtest of the same origin does not replace what the run published.
      await writeSnapshots(db, paths, b, [{ originDay: 27, paths: [flat(30, 29, 31), flat(30, 29, 31)], source: "backtest", version: "v3", lastDay: 39 }], 400);
      const snap = await rows<{ source: string; v: string; n: number }>(db, `SELECT source, model_version AS v, count(*)::INTEGER AS n FROM ${martScan(paths, "forecast_snapshots")} GROUP BY ALL`);
      expect(snap).toEqual([{ source: "run", v: "v2", n: 28 }]);
      await writeAccuracy(db, paths);
      const acc = await rows<Record<string, number | string>>(db, `SELECT week_start::VARCHAR AS week_start, horizon_week, days, actual, forecast, mae, mase, wape, bias, coverage80, sources
        FROM ${martScan(paths, "forecast_accuracy")} WHERE line = 'Sales' ORDER BY week_start, horizon_week`);
      // Days 2026-11-02 … 2026-11-13 have happened (the data end there): week of 11-02 at horizons 1-7, week of 11-09 at 8-12.
      // Week 1: actuals 20 + 6 × 10 = 80, forecast 77; errors 9, then six of 1 → MAE 15/7; all inside 9-25 → coverage 1.
      // MASE scale: the 56 days up to the origin hold 20 with a same-weekday difference, all 0 → scale 0, MASE NULL.
      const wk = (iso: string) => acc.find((r) => r.week_start === iso)!;
      expect(wk("2026-11-02")).toMatchObject({ horizon_week: 1, days: 7, actual: 80, forecast: 77, wape: 15 / 80, bias: -3 / 80, coverage80: 1, sources: "run" });
      expect(wk("2026-11-02").mae).toBeCloseTo(15 / 7, 12);
      expect(wk("2026-11-02").mase).toBeNull();
      // Week 2 (11-09 … 11-13): 20 + 4 × 10 = 60 against 55; |errors| 9 + 4 × 1 = 13.
      expect(wk("2026-11-09")).toMatchObject({ horizon_week: 2, days: 5, actual: 60, forecast: 55, wape: 13 / 60 });
      expect(y(day("2026-11-09"))).toBe(20);
      // Retention: an origin 30 days later with a 20-day retention drops the first.
      const late: SeriesBundle = { ...b, grid: calendarGrid(Array.from({ length: 60 }, (_, i) => first + i), 1, 14) };
      await writeSnapshots(db, paths, late, [{ originDay: 57, paths: [flat(11, 9, 25), flat(11, 9, 25)], source: "run", version: "v4" }], 20);
      const origins = await rows<{ o: string }>(db, `SELECT DISTINCT origin_date::VARCHAR AS o FROM ${martScan(paths, "forecast_snapshots")}`);
      expect(origins).toEqual([{ o: "2026-12-01" }]);
    } finally {
      db.close();
    }
  });
});
