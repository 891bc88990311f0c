import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/records.ts";
import { join, lake, run, setup, write } from "./helpers.ts";

const MAPPING = {
  format: "csv",
  timezone: "America/New_York",
  line: { id: "PNmain", name: "Main line", number: "+12125550100" },
  reject: [{ when: { column: "outcome", equals: "TEST" }, reason: "test call {call_ref} from the PBX self-check" }],
  targets: {
    calls: {
      fields: {
        id: { template: "AC-{call_ref}" },
        direction: { const: "incoming" },
        status: { column: "outcome", map: { ANS: "completed", ABN: "abandoned", VM: "missed" } },
        createdAt: { timestamp: "started", format: "%m/%d/%Y %H:%M:%S" },
        answeredAt: { timestamp: "started", format: "%m/%d/%Y %H:%M:%S", when: { column: "outcome", equals: "ANS" } },
        completedAt: { timestamp: "ended", format: "%m/%d/%Y %H:%M:%S" },
        duration: { secondsBetween: ["createdAt", "completedAt"] },
        answeredBy: { template: "US{agent}", when: { column: "agent", empty: false } },
        userId: { firstOf: [{ template: "US{agent}", when: { column: "agent", empty: false } }, { const: "USowner" }] },
        participants: { list: ["caller"] },
      },
    },
  },
};

const HEADER = "call_ref,started,ended,agent,outcome,caller,notes\r\n";

describe("file drops: a declarative mapping, validated in DuckDB, reconciled row for row", () => {
  it("maps columns, formats, time zones, value maps and the default line; quarantines with file, line, field and reason", async () => {
    const dir = tmpDir("drop-");
    write(join(dir, "calls-2025-01.csv"), HEADER + [
      `1,01/15/2025 09:00:00,01/15/2025 09:05:30,ann,ANS,+12125551001,"likes the plan, renewing"`,
      `2,01/15/2025 23:58:00,01/16/2025 00:03:00,,ABN,+12125551002,`,
      `3,01/15/2025 10:00:00,01/15/2025 10:01:00,bob,XYZ,+12125551003,`,
      `4,13/45/2025 10:00:00,01/15/2025 10:01:00,bob,ABN,+12125551004,`,
      `5,01/15/2025 11:00:00,01/15/2025 11:01:00,bob,ANS,12345,`,
      `6,01/15/2025 12:00:00,01/15/2025 12:01:00,bob,TEST,+12125551006,`,
      `7,01/15/2025 12:00:00,01/15/2025 12:01:00,bob,ANS,+12125551007,x,extra field`,
      `8,01/16/2025 08:00:00,01/16/2025 08:10:00,cy,VM,+12125551008,`,
    ].join("\r\n") + "\r\n");
    const s = setup([{ name: "pbx", path: dir, mapping: MAPPING }]);
    const r = await run(s);
    expect(r.reconciliation).toEqual([{ source: "pbx", read: 8, landed: 3, quarantined: 5 }]);
    expect(r.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 8, landed: 3, quarantined: 5 });
    const q = r.quarantined.map((x) => [x.file.endsWith("calls-2025-01.csv"), x.line, x.field, x.reason]);
    expect(q).toEqual([
      [true, 4, "calls.status", 'calls.status: the value of column outcome is not in the value map'],
      [true, 5, "calls.createdAt", 'calls.createdAt: expected a timestamp as "%m/%d/%Y %H:%M:%S"'],
      [true, 6, "calls.participants", "calls.participants: expected an E.164 phone number"],
      [true, 7, null, "test call 6 from the PBX self-check"],
      [true, 8, null, expect.stringMatching(/^unparseable line: Expected Number of Columns: 7 Found: 8/)],
    ]);
    // Reasons name the field and the rule, never the value; the record (inside the quarantine) keeps it.
    expect(r.quarantined[2]!.record).toContain("12345");
    const calls = await lake(s.paths, "SET TimeZone = 'UTC'; SELECT id, status, createdAt::VARCHAR AS c, duration, answeredBy, userId, phoneNumberId, participants, _extra::VARCHAR AS extra, date::VARCHAR AS date FROM read_parquet('$RAW/calls/*/*.parquet', hive_partitioning = true) ORDER BY id");
    expect(calls).toEqual([
      { id: "AC-1", status: "completed", c: "2025-01-15 14:00:00+00", duration: 330, answeredBy: "USann", userId: "USann", phoneNumberId: "PNmain", participants: ["+12125551001"], extra: '{"notes":"likes the plan, renewing"}', date: "2025-01-15" },
      // 23:58 in New York is the next day in UTC: partitions are UTC days.
      { id: "AC-2", status: "abandoned", c: "2025-01-16 04:58:00+00", duration: 300, answeredBy: null, userId: "USowner", phoneNumberId: "PNmain", participants: ["+12125551002"], extra: '{"notes":null}', date: "2025-01-16" },
      { id: "AC-8", status: "missed", c: "2025-01-16 13:00:00+00", duration: 600, answeredBy: "UScy", userId: "UScy", phoneNumberId: "PNmain", participants: ["+12125551008"], extra: '{"notes":null}', date: "2025-01-16" },
    ]);
    expect(await lake(s.paths, "SELECT id, name, number FROM read_parquet('$RAW/phone_numbers/data.parquet')")).toEqual([{ id: "PNmain", name: "Main line", number: "+12125550100" }]);
  });

  it("schema drift: a new column is kept in _extra, a missing required column quarantines its rows; unchanged files are not read again, changed ones update", async () => {
    const dir = tmpDir("drop-");
    write(join(dir, "a.csv"), HEADER + `1,01/15/2025 09:00:00,01/15/2025 09:05:00,ann,ANS,+12125551001,\n`);
    const s = setup([{ name: "pbx", path: dir, mapping: MAPPING }]);
    await run(s);
    write(join(dir, "b.csv"), "call_ref,started,ended,agent,outcome,caller,notes,channel\n" + `2,01/17/2025 09:00:00,01/17/2025 09:01:00,ann,ANS,+12125551002,,web\n`);
    write(join(dir, "c.csv"), "call_ref,ended,agent,outcome,caller\n" + `3,01/17/2025 09:01:00,ann,ANS,+12125551003\n`);
    const r = await run(s);
    expect(r.reconciliation).toEqual([{ source: "pbx", read: 2, landed: 1, quarantined: 1 }]);
    expect(r.notes.join("\n")).toMatch(/c\.csv: no column started \(its fields read as missing\)/);
    expect(r.quarantined[0]).toMatchObject({ line: 2, field: "calls.createdAt", reason: "calls.createdAt: required (got missing)" });
    expect(await lake(s.paths, "SELECT id, _extra::VARCHAR AS extra FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).toEqual([
      { id: "AC-1", extra: '{"notes":null}' },
      { id: "AC-2", extra: '{"notes":null,"channel":"web"}' },
    ]);
    const again = await run(s);
    expect(again.notes.join("\n")).toMatch(/no new or changed files/);
    write(join(dir, "a.csv"), HEADER + `1,01/15/2025 09:00:00,01/15/2025 09:09:00,ann,ANS,+12125551001,called back\n`);
    const changed = await run(s);
    expect(changed.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 1, landed: 0, updated: 1 });
    expect(await lake(s.paths, "SELECT count(*)::INT AS n, max(duration) AS d FROM read_parquet('$RAW/calls/*/*.parquet')")).toEqual([{ n: 2, d: 540 }]);
  });

  it("NDJSON and JSON drops: invalid JSON, a refinement the JSON Schema cannot carry, and bounds are quarantined", async () => {
    const dir = tmpDir("drop-");
    const response = (id: string, nps: unknown, csat: unknown) => ({ id, interactionId: "AC1", channel: "call", contactId: null, respondedAt: "2025-02-01T10:00:00-05:00", nps, csat, comment: "ok", tool: "surveyco" });
    write(join(dir, "r1.ndjson"), [JSON.stringify(response("R1", 9, null)), "{oops", "", JSON.stringify(response("R2", null, null)), JSON.stringify(response("R3", 11, 4))].join("\r\n") + "\r\n");
    write(join(dir, "r2.json"), JSON.stringify([response("R4", null, 5), response("R5", 3, 2)]));
    const fields = Object.fromEntries(["id", "interactionId", "channel", "contactId", "nps", "csat", "comment"].map((f) => [f, f]));
    const s = setup([{ name: "surveys", path: dir, mapping: { targets: { survey_responses: { fields: { ...fields, respondedAt: { timestamp: "respondedAt" } } } } } }]);
    const r = await run(s);
    expect(r.reconciliation).toEqual([{ source: "surveys", read: 6, landed: 3, quarantined: 3 }]);
    expect(r.quarantined.map((x) => [x.file.split("/").pop(), x.line, x.field, x.reason])).toEqual([
      ["r1.ndjson", 2, null, "invalid JSON"],
      ["r1.ndjson", 4, "survey_responses.nps", "nps: a response needs an nps or a csat score"],
      ["r1.ndjson", 5, "survey_responses.nps", 'survey_responses.nps: expected at most 10'],
    ]);
    expect(await lake(s.paths, "SET TimeZone = 'UTC'; SELECT id, respondedAt::VARCHAR AS t, _extra::VARCHAR AS extra FROM read_parquet('$RAW/survey_responses/*/*.parquet') ORDER BY id")).toEqual([
      { id: "R1", t: "2025-02-01 15:00:00+00", extra: '{"tool":"surveyco"}' },
      { id: "R4", t: "2025-02-01 15:00:00+00", extra: '{"tool":"surveyco"}' },
      { id: "R5", t: "2025-02-01 15:00:00+00", extra: '{"tool":"surveyco"}' },
    ]);
  });

  it("a crash after the lake commit but before the file is recorded as imported: the rerun changes nothing", async () => {
    const dir = tmpDir("drop-");
    write(join(dir, "a.csv"), HEADER + `1,01/15/2025 09:00:00,01/15/2025 09:05:00,ann,ANS,+12125551001,\n2,01/15/2025 10:00:00,01/15/2025 10:05:00,bob,ANS,+12125551002,\n`);
    const s = setup([{ name: "pbx", path: dir, mapping: MAPPING }]);
    await expect(run(s, { beforeMarkImported: () => { throw new Error("killed"); } })).rejects.toThrow("killed");
    const before = await lake(s.paths, "SELECT * EXCLUDE (_source_file, _source_line) FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id");
    expect(before).toHaveLength(2);
    const again = await run(s);
    expect(again.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 2, landed: 0, updated: 0, unchanged: 2 });
    expect(await lake(s.paths, "SELECT * EXCLUDE (_source_file, _source_line) FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).toEqual(before);
  });
});
