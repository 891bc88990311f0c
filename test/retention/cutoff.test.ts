/**
 * Retention's cutoff by step (privacy.retention.step): "day" deletes one more day every night
 * (D < T − days); "month" (the default) deletes a calendar month whole, on the first night its first
 * day is past the period. Checked against a brute force over the calendar (month ends, December →
 * January, leap years), then on a small lake: the plan deletes whole months, says its step and the next
 * deletion date, and `commsight retention` prints them.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { enrichedCutoffs, enrichedPeriodOf, expiresOn, periodOf, planRetention, rawCutoffs, retentionCutoff } from "../../pipelines/retention/retention.ts";
import { tmpDir } from "../helpers/records.ts";

const DAY = 86_400_000;
/** Independent of the product's date helpers: day arithmetic on epoch milliseconds. */
const shift = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
const range = (from: string, n: number) => Array.from({ length: n }, (_, i) => shift(from, i));

describe("retentionCutoff", () => {
  it('"day": asOf − days, as before', () => {
    expect(retentionCutoff("2026-11-16", 183, "day")).toBe("2026-05-17");
    expect(retentionCutoff("2026-11-16", 365, "day")).toBe("2025-11-16");
    expect(retentionCutoff("2028-03-01", 1, "day")).toBe("2028-02-29");
    for (const asOf of range("2027-12-20", 500)) for (const days of [1, 30, 183, 365, 1825]) {
      expect(retentionCutoff(asOf, days, "day")).toBe(shift(asOf, -days));
    }
  });

  it('"month": the day cutoff when it is the 1st, else the 1st of the next month', () => {
    expect(retentionCutoff("2026-12-01", 183, "month")).toBe("2026-06-01"); // c = 2026-06-01, a 1st: kept as it is
    expect(retentionCutoff("2026-12-02", 183, "month")).toBe("2026-07-01"); // c = 2026-06-02: June goes whole
    expect(retentionCutoff("2026-11-16", 183, "month")).toBe("2026-06-01"); // c = 2026-05-17
    expect(retentionCutoff("2026-12-30", 183, "month")).toBe("2026-07-01"); // c = 2026-06-30, the month's last day
    expect(retentionCutoff("2026-12-02", 365, "month")).toBe("2026-01-01"); // c = 2025-12-02: December → January
    expect(retentionCutoff("2026-01-01", 1, "month")).toBe("2026-01-01"); // c = 2025-12-31 → the next year's 1st
    // Leap years: c on 29 February, on 28 February of a leap year, and a 366-day period landing on a 1st.
    expect(retentionCutoff("2028-03-01", 1, "month")).toBe("2028-03-01"); // c = 2028-02-29
    expect(retentionCutoff("2028-02-29", 1, "month")).toBe("2028-03-01"); // c = 2028-02-28
    expect(retentionCutoff("2029-02-28", 365, "month")).toBe("2028-03-01"); // c = 2028-02-29
    expect(retentionCutoff("2028-03-01", 366, "month")).toBe("2027-03-01"); // c = 2027-03-01
    expect(retentionCutoff("2028-03-01", 30, "month")).toBe("2028-02-01"); // c = 2028-01-31
    expect(retentionCutoff("2028-03-02", 30, "month")).toBe("2028-02-01"); // c = 2028-02-01 (February has 29 days)
    expect(retentionCutoff("2028-03-03", 30, "month")).toBe("2028-03-01"); // c = 2028-02-02: February goes whole
  });

  it('"month" keeps nothing past its period, at most a month less, and moves once a month, a whole month at a time', () => {
    for (const days of [1, 30, 31, 183, 365, 366, 1825]) {
      let first: string | null = null;
      let last: string | null = null;
      let moves = 0;
      const nights = range("2027-11-01", 3 * 366); // spans the leap day of 2028
      for (const asOf of nights) {
        const c = shift(asOf, -days);
        const k = retentionCutoff(asOf, days, "month");
        expect(k.endsWith("-01"), `${asOf} ${days}: ${k} is a 1st`).toBe(true);
        expect(k >= c, `${asOf} ${days}: nothing kept past its period`).toBe(true);
        expect(daysBetween(c, k), `${asOf} ${days}: at most a month earlier`).toBeLessThan(31);
        if (last !== null) {
          expect(k >= last).toBe(true);
          if (k !== last) {
            moves++;
            // A move deletes exactly one calendar month: from the old 1st to the day before the new one.
            expect(shift(k, -1).slice(0, 7)).toBe(last.slice(0, 7));
          }
        }
        first ??= k;
        last = k;
      }
      // One move per calendar month the cutoff went through: three years of nights, 36 or 37 moves.
      const months = (a: string, b: string) => (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
      expect(moves).toBe(months(first!, last!));
      expect(moves).toBeGreaterThanOrEqual(36);
    }
  });

  it("expiresOn is the first night on which the cutoff passes the day, under either step", () => {
    for (const step of ["day", "month"] as const) for (const days of [1, 29, 183, 365]) {
      for (const d of range("2027-12-25", 100)) {
        const on = expiresOn(d, days, step);
        expect(d < retentionCutoff(on, days, step), `${step} ${days} ${d} expired on ${on}`).toBe(true);
        expect(d < retentionCutoff(shift(on, -1), days, step), `${step} ${days} ${d} kept the night before ${on}`).toBe(false);
        // Never later than the day step, at most a month earlier.
        const daily = expiresOn(d, days, "day");
        expect(on <= daily).toBe(true);
        expect(daysBetween(on, daily)).toBeLessThan(31);
      }
    }
    // The month step: every day of a month expires the same night.
    expect(new Set(range("2028-02-01", 29).map((d) => expiresOn(d, 183, "month")))).toEqual(new Set([shift("2028-02-02", 183)]));
  });
});

describe("cutoffs by entity follow the configured step", () => {
  it('defaults to "month"; "day" gives asOf − days as before; raw and enriched alike', () => {
    expect(parseConfig({}).privacy.retention.step).toBe("month");
    const month = parseConfig({});
    const day = parseConfig({ privacy: { retention: { step: "day" } } });
    expect(() => parseConfig({ privacy: { retention: { step: "week" } } })).toThrow();
    const asOf = "2026-11-16";
    const rawDay = rawCutoffs(day, asOf);
    const rawMonth = rawCutoffs(month, asOf);
    expect(Object.keys(rawDay).length).toBeGreaterThan(3);
    expect(Object.keys(rawMonth).sort()).toEqual(Object.keys(rawDay).sort());
    for (const [entity, cut] of Object.entries(rawDay)) {
      const days = periodOf(day, entity)!.days;
      expect(cut).toBe(shift(asOf, -days));
      expect(rawMonth[entity]).toBe(retentionCutoff(asOf, days, "month"));
    }
    // The defaults: transcripts (training, 183 days) and survey answers (analytics, 365 days).
    expect(rawMonth.call_transcripts).toBe("2026-06-01");
    expect(rawMonth.survey_responses).toBe("2025-12-01");
    const enrDay = enrichedCutoffs(day, asOf);
    const enrMonth = enrichedCutoffs(month, asOf);
    expect(Object.keys(enrDay).length).toBeGreaterThan(2);
    for (const [entity, cut] of Object.entries(enrDay)) {
      const days = enrichedPeriodOf(day, entity)!.days;
      expect(cut).toBe(shift(asOf, -days));
      expect(enrMonth[entity]).toBe(retentionCutoff(asOf, days, "month"));
    }
  });
});

async function partitions(dir: string, days: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const db = await openDb();
  try {
    await exec(db, `CREATE TABLE t AS SELECT 'id-' || d || '-' || i AS id, d::DATE AS date FROM unnest([${days.map(lit).join(", ")}]) u(d), range(2) r(i)`);
    await exec(db, `COPY t TO ${lit(dir)} (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}')`);
  } finally {
    db.close();
  }
}
const dates = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((p) => p.startsWith("date=")).map((p) => p.slice(5)).sort() : []);

describe("the plan on a lake", () => {
  // Messages from 25 January to 5 March 2026, kept 30 days.
  const DAYS = range("2026-01-25", 40);
  const yaml = (step: string) => ["privacy:", "  retention:", `    step: ${step}`, "    purposes:", "      - { name: analytics, days: 30, entities: [messages] }"].join("\n");

  it('"month" deletes a month whole on the night its 1st passes the period, nothing on the nights between; the plan says its step and next deletion', async () => {
    const data = tmpDir("retention-month-");
    const messages = join(data, "lake", "raw", "messages");
    await partitions(messages, DAYS);
    const config = parseConfig({ paths: { data }, privacy: { retention: { step: "month", purposes: [{ name: "analytics", days: 30, entities: ["messages"] }] } } });
    const paths = lakePaths(config);
    // 1 March: c = 30 January, so all of January goes (25–31), none of February.
    const p1 = await planRetention(config, paths, "2026-03-01");
    expect(p1.step).toBe("month");
    expect(p1.expired.map((e) => e.date)).toEqual(range("2026-01-25", 7));
    expect(p1.expired.every((e) => e.rows === 2)).toBe(true);
    const kept = p1.kept.find((k) => k.entity === "messages")!;
    expect(kept).toMatchObject({ step: "month", cutoff: "2026-02-01", next: "2026-03-04" });
    expect(p1.next).toBe("2026-03-04");
    // Written to a config file and run through the CLI: deletes January, prints the step and the next deletion.
    const cfg = join(data, "config.yaml");
    writeFileSync(cfg, yaml("month"));
    let out = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
    try {
      expect(await main(["node", "commsight", "--data", data, "--config", cfg, "retention", "--as-of", "2026-03-01"])).toBe(0);
      // 2 and 3 March: February's 1st is not yet past its period (c = 31 January, 1 February): nothing goes.
      for (const asOf of ["2026-03-02", "2026-03-03"]) {
        expect(await main(["node", "commsight", "--data", data, "--config", cfg, "retention", "--as-of", asOf])).toBe(0);
        expect(dates(messages)).toEqual(DAYS.slice(7));
      }
    } finally { spy.mockRestore(); }
    expect(out).toContain("retention as of 2026-03-01 (step: month): deleted 7 day partitions (14 rows); next deletion 2026-03-04");
    expect(out).toMatch(/raw\/messages\s+30 days \(analytics\), by month\s+deleted 7 partitions, 2026-01-25 … 2026-01-31; next 2026-03-04/);
    expect(out).toContain("retention as of 2026-03-03 (step: month): deleted 0 day partitions (0 rows); next deletion 2026-03-04");
    // 4 March: c = 2 February, so all of February goes (28 days) and March stays.
    const p2 = await planRetention(config, paths, "2026-03-04");
    expect(p2.expired.map((e) => e.date)).toEqual(range("2026-02-01", 28));
    expect(p2.next).toBe(shift("2026-03-02", 30)); // March's days expire together, once 1 March is past 30 days
  });

  it('"day" deletes one more day each night, as before', async () => {
    const data = tmpDir("retention-day-");
    await partitions(join(data, "lake", "raw", "messages"), DAYS);
    const config = parseConfig({ paths: { data }, privacy: { retention: { step: "day", purposes: [{ name: "analytics", days: 30, entities: ["messages"] }] } } });
    const paths = lakePaths(config);
    const p1 = await planRetention(config, paths, "2026-03-01");
    expect(p1.step).toBe("day");
    expect(p1.expired.map((e) => e.date)).toEqual(range("2026-01-25", 5)); // before 30 January
    expect(p1.next).toBe("2026-03-02");
    const p2 = await planRetention(config, paths, "2026-03-02");
    expect(p2.expired.map((e) => e.date)).toEqual(range("2026-01-25", 6));
  });
});
