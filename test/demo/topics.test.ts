import { describe, expect, it } from "vitest";
import { Calendar, formatDay, iso, isoWeekday, parseDay, usFederalHolidays, Zone } from "../../pipelines/sources/demo/calendar.ts";
import * as names from "../../pipelines/sources/demo/names.ts";
import * as phrases from "../../pipelines/sources/demo/phrases.ts";
import { isLuhnValid, makeCard, makeEmail, makePhone } from "../../pipelines/sources/demo/pii.ts";
import { Rng } from "../../pipelines/sources/demo/rng.ts";
import { REMINDER_ANSWERS, REMINDERS, TOPIC_TEXTS } from "../../pipelines/sources/demo/topic-texts.ts";
import { ALL_KEYWORDS, DEMO_TOPICS, topicsInText } from "../../pipelines/sources/demo/topics.ts";

const strings = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];

describe("topic texts", () => {
  it("exports the nine topics with their keywords", () => {
    expect(DEMO_TOPICS.map((t) => t.id)).toEqual([
      "login", "outage", "billing_dispute", "payment", "pricing", "new_order", "cancellation", "technical", "appointment",
    ]);
    expect(DEMO_TOPICS.find((t) => t.id === "pricing")!.keywords).toEqual(["pricing", "quote", "price"]);
  });

  it("every template of a topic names that topic and no other", () => {
    for (const topic of DEMO_TOPICS) {
      for (const text of strings(TOPIC_TEXTS[topic.id])) {
        expect(topicsInText(text), `${topic.id}: ${text}`).toEqual([topic.id]);
      }
    }
    for (const text of [...REMINDERS, ...REMINDER_ANSWERS]) expect(topicsInText(text), text).toEqual(["appointment"]);
  });

  it("filler, sentiment phrases, names and fill-in values hold no topic keyword", () => {
    const all = [
      ...strings(phrases), ...names.FIRST_NAMES, ...names.LAST_NAMES, ...names.COMPANY_HEADS, ...names.COMPANY_TAILS,
      ...strings(names.ROLES_BY_SEGMENT), ...names.EMAIL_DOMAINS, "Acme Home Services", "Sales", "Support", "Billing",
    ];
    expect(all.length).toBeGreaterThan(300);
    for (const text of all) expect(ALL_KEYWORDS.filter((k) => text.toLowerCase().includes(k)), text).toEqual([]);
  });
});

describe("planted PII values", () => {
  it("cards are Luhn-valid in every format; a wrong digit fails the check", () => {
    const rng = new Rng(1);
    expect(isLuhnValid("4111 1111 1111 1111")).toBe(true);
    expect(isLuhnValid("4111 1111 1111 1112")).toBe(false);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const card = makeCard(rng);
      expect(isLuhnValid(card), card).toBe(true);
      expect(card).toMatch(/^[\d -]{15,19}$/);
      seen.add(card.replace(/\d/g, "9"));
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect(makePhone(rng)).toMatch(/\d{3}.*\d{3}.*\d{4}/);
    expect(makeEmail(rng, "Mary", "Smith")).toMatch(/^[a-z0-9._]+@[a-z.]+$/);
  });
});

describe("calendar", () => {
  const ny = new Zone("America/New_York");
  it("converts local business time to UTC across DST", () => {
    expect(iso(ny.toUtc(parseDay("2026-03-06"), 9 * 3600))).toBe("2026-03-06T14:00:00Z");
    expect(iso(ny.toUtc(parseDay("2026-03-08"), 9 * 3600))).toBe("2026-03-08T13:00:00Z");
    expect(iso(ny.toUtc(parseDay("2026-03-08"), 1 * 3600))).toBe("2026-03-08T06:00:00Z");
    expect(iso(ny.toUtc(parseDay("2026-11-01"), 9 * 3600))).toBe("2026-11-01T14:00:00Z");
    expect(iso(ny.toUtc(parseDay("2026-07-01"), 23 * 3600 + 30 * 60))).toBe("2026-07-02T03:30:00Z");
    const kolkata = new Zone("Asia/Kolkata");
    expect(iso(kolkata.toUtc(parseDay("2026-01-15"), 9 * 3600))).toBe("2026-01-15T03:30:00Z");
  });

  it("knows observed US federal holidays and weekdays", () => {
    const y2026 = usFederalHolidays(2026).map((h) => `${formatDay(h.day)} ${h.name}`);
    expect(y2026).toContain("2026-07-03 Independence Day");
    expect(y2026).toContain("2026-11-26 Thanksgiving Day");
    expect(y2026).toContain("2026-01-19 Martin Luther King Jr. Day");
    expect(y2026).toContain("2026-05-25 Memorial Day");
    expect(isoWeekday(parseDay("2026-11-16"))).toBe(1);
    const cal = new Calendar(ny, parseDay("2026-01-01"), parseDay("2026-12-31"), "08:00", "20:00");
    expect(cal.info(parseDay("2026-11-26")).kind).toBe(2);
    expect(cal.info(parseDay("2026-11-28")).kind).toBe(1);
    expect(cal.isOpen(parseDay("2026-11-27"), 8 * 3600)).toBe(true);
    expect(cal.isOpen(parseDay("2026-11-27"), 20 * 3600)).toBe(false);
  });
});
