/**
 * Hostile input (issue 17): every class of bad input of hostile/classes.ts, mixed among good
 * records in the source formats, through the reader that meets it: the NDJSON source folder
 * (extractFiles), the webhook landing zone (commitStreams), and CSV, NDJSON and JSON-array file
 * drops (`commsight extract --source files`, the CLI). Classes are independent, so each reader runs
 * once over all of its classes (one file per class in one folder) and the checks are per class:
 * the run completes, every good record lands, every bad record is quarantined with file, line,
 * field and reason, and nothing outside the configured folders is read (a secret behind a symlink
 * never shows up anywhere the run wrote or printed).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { main } from "../../pipelines/app/cli.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths, type Paths } from "../../pipelines/core/paths.ts";
import { extractFiles, type ExtractResult } from "../../pipelines/extract/index.ts";
import { commitStreams, streamPaths, type CommitResult } from "../../pipelines/lake/commit.ts";
import { DEFAULT_READER_LIMITS, setReaderLimits } from "../../pipelines/lake/quarantine.ts";
import type { Quarantined } from "../../pipelines/lake/validate.ts";
import { webhookStream } from "../../pipelines/sources/webhook/events.ts";
import { lake } from "../files/helpers.ts";
import { tmpDir } from "../helpers/records.ts";
import {
  badKey, CLASSES, CSV_HEADER, csvRow, goodKeys, goodRecord, keyOf, readmeTable, SECRET, type Entity, type FileClass, type HostileClass, type Reader, type RecordClass,
} from "./hostile/classes.ts";

const FOLDER: Record<Entity, string> = {
  calls: "calls", messages: "messages", call_flow_events: "call-flow-events", survey_responses: "survey-responses", call_transcripts: "call-transcripts", call_summaries: "call-summaries",
};
const EXT: Record<Reader, string> = { folder: "ndjson", landing: "ndjson", "drop-ndjson": "ndjson", "drop-csv": "csv", "drop-json": "json" };
const tag = (c: HostileClass) => c.id.replace(/[^a-z0-9]/gi, "");
const LIMITS = { maxRecordBytes: 200_000, maxFieldChars: 100_000, orphanWaitMs: 0 };

/** The file a class's records (or bad entry) are written to, relative to its reader's folder. */
function fileOf(c: HostileClass): string {
  const name = `h-${tag(c)}.${EXT[c.reader]}`;
  return c.reader === "folder" ? `${FOLDER[c.entity]}/${name}` : name;
}
const goodFileOf = (c: FileClass) => fileOf(c).replace(/\.(\w+)$/, "-good.$1");

/** The two good records of a class around its bad lines, in the reader's format. */
function goodLines(c: HostileClass): string[] {
  const keys = goodKeys(c.entity, tag(c));
  if (c.reader === "drop-csv") return keys.map((k) => csvRow(k));
  return keys.map((k) => JSON.stringify(goodRecord(c.entity, k)));
}
const envelope = (t: string, n: number, record: string | Buffer) => {
  const head = `{"at":"2025-03-04T10:10:00.000Z","endpoint":"openphone","id":"openphone:EV${t}${n}","body":{"id":"EV${t}${n}","object":"event","apiVersion":"v3","createdAt":"2025-03-04T10:00:00.000Z","type":"call.completed","data":{"object":`;
  return Buffer.concat([Buffer.from(head), Buffer.isBuffer(record) ? record : Buffer.from(record), Buffer.from("}}}")]);
};

/** A record class's file: good, bad…, good (its bad lines are lines 2…, after the CSV header 3…). */
function recordFile(c: RecordClass): { bytes: Buffer; firstBad: number } {
  const [g1, g2] = goodLines(c);
  const bad = c.bad(tag(c));
  let lines: Buffer[] = [g1!, ...bad, g2!].map((l) => (Buffer.isBuffer(l) ? l : Buffer.from(l)));
  if (c.reader === "landing") lines = lines.map((l, i) => envelope(tag(c), i, l));
  if (c.reader === "drop-json") {
    const body = Buffer.concat([Buffer.from("[\n"), ...lines.flatMap((l, i) => (i ? [Buffer.from(",\n"), l] : [l])), Buffer.from("\n]\n")]);
    return { bytes: c.wrap ? c.wrap(body) : body, firstBad: 2 };
  }
  if (c.reader === "drop-csv") lines = [Buffer.from(CSV_HEADER), ...lines];
  const body = Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")]));
  return { bytes: c.wrap ? c.wrap(body) : body, firstBad: c.reader === "drop-csv" ? 3 : 2 };
}

type Outcome = {
  quarantined: Quarantined[];
  /** Landed keys per entity. */
  landed: Map<string, Set<string>>;
  /** Everything the runs printed, and every text file they wrote. */
  printed: string; written: string;
  folder: ExtractResult; landing: CommitResult; dropExit: number; strictExit: number; strictOut: string;
};

let out: Outcome;
let paths: Paths;
let cleanups: (() => void)[] = [];
const rootDir = tmpDir("hostile-");
const dirOf: Record<Reader, string> = {
  folder: join(rootDir, "src"), landing: "", "drop-ndjson": join(rootDir, "drop-ndjson"), "drop-csv": join(rootDir, "drop-csv"), "drop-json": join(rootDir, "drop-json"),
};
const outside = join(rootDir, "outside");

const CALL_FIELDS = Object.fromEntries(Object.keys(goodRecord("calls", "AC1")).map((f) => [f, /At$/.test(f) ? { timestamp: f } : f]));
const CSV_MAPPING = {
  targets: {
    calls: {
      fields: {
        id: "id", createdAt: { timestamp: "createdAt" }, answeredAt: { timestamp: "answeredAt" }, completedAt: { timestamp: "completedAt" }, updatedAt: { timestamp: "updatedAt" },
        duration: "duration", status: "status", direction: { const: "incoming" }, phoneNumberId: "phone", userId: "user", participants: { list: ["participant"] },
      },
    },
  },
};

function textFiles(dir: string): string {
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return textFiles(p);
    if (!e.isFile() || /\.(parquet|duckdb)$/.test(e.name)) return "";
    return readFileSync(p, "latin1");
  }).join("\n");
}

async function cli(configFile: string, args: string[]): Promise<{ code: number; text: string }> {
  let text = "";
  const w = vi.spyOn(process.stdout, "write").mockImplementation((s) => { text += String(s); return true; });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => { text += String(s); return true; });
  try {
    const code = await main(["node", "commsight", "--config", configFile, ...args]);
    return { code, text };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

beforeAll(async () => {
  const data = join(rootDir, "data");
  const config = parseConfig({ paths: { data } });
  paths = lakePaths(config);
  mkdirSync(outside, { recursive: true });
  // What a symlink out of the sources would reach: a valid call carrying a secret.
  writeFileSync(join(outside, "secret.ndjson"), JSON.stringify(goodRecord("calls", "ACsecret1", { forwardedFrom: SECRET })) + "\n");

  // The parents every good record refers to, landed first: a line, users, a call and a message, and the calls of transcripts and summaries.
  const base = join(rootDir, "base");
  const w = (dir: string, rel: string, bytes: Buffer | string) => { mkdirSync(join(dir, rel, ".."), { recursive: true }); writeFileSync(join(dir, rel), bytes); };
  const nd = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join("\n") + "\n";
  w(base, "phone-numbers.ndjson", nd([{ id: "PN1", groupId: "g", createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z", name: "Main", number: "+14155550000", formattedNumber: null, forward: null, portRequestId: null, portingStatus: null, symbol: null, users: [] }]));
  w(base, "users.ndjson", nd([{ id: "US1", email: "agent@example.com", firstName: "A", lastName: "B", groupId: "g", role: "member" }]));
  const parents = CLASSES.filter((c) => keyOf(c.entity) === "callId").flatMap((c) => [...goodKeys(c.entity, tag(c)), badKey(c.entity, tag(c))]);
  w(base, "calls/base.ndjson", nd([goodRecord("calls", "ACbase1"), ...parents.map((k) => goodRecord("calls", k))]));
  w(base, "messages/base.ndjson", nd([goodRecord("messages", "ACbasemsg1")]));
  await extractFiles(paths, base);

  // One file per class, in its reader's folder.
  for (const c of CLASSES) {
    const dir = c.reader === "landing" ? streamPaths(paths, "webhooks").dir : dirOf[c.reader];
    if (c.kind === "records") {
      w(dir, fileOf(c), recordFile(c).bytes);
      continue;
    }
    w(dir, goodFileOf(c), c.reader === "drop-csv" ? [CSV_HEADER, ...goodLines(c)].join("\n") + "\n" : c.reader === "drop-json" ? `[${goodLines(c).join(",")}]` : goodLines(c).join("\n") + "\n");
    const done = await c.make(join(dir, fileOf(c)), outside);
    if (done) cleanups.push(done);
  }
  // An empty users.ndjson would empty nothing: refused, and the users stay.
  w(dirOf.folder, "users.ndjson", "");

  setReaderLimits(LIMITS);
  const folder = await extractFiles(paths, dirOf.folder);
  const landing = await commitStreams(paths, [webhookStream(streamPaths(paths, "webhooks"))]);
  setReaderLimits(DEFAULT_READER_LIMITS);

  const configFile = join(rootDir, "commsight.config.yaml");
  const sources = [
    { name: "ndjson", path: dirOf["drop-ndjson"], mapping: { format: "ndjson", targets: { calls: { fields: CALL_FIELDS } } } },
    { name: "csv", path: dirOf["drop-csv"], mapping: CSV_MAPPING },
    { name: "json", path: dirOf["drop-json"], mapping: { targets: { calls: { fields: CALL_FIELDS } } } },
  ];
  const ingest = { maxRecordBytes: LIMITS.maxRecordBytes, maxFieldChars: LIMITS.maxFieldChars, orphanWaitHours: 0 };
  writeFileSync(configFile, stringify({ paths: { data }, demo: { enabled: false }, sources, ingest }));
  const drop = await cli(configFile, ["extract", "--source", "files"]);
  // --strict: a drop with one bad row fails the run (exit ≠ 0), and still lands the good row.
  const strictDir = join(rootDir, "strict");
  w(strictDir, "s.csv", [CSV_HEADER, csvRow("ACstrictgood"), csvRow("ACstrictbad", { duration: "-1" })].join("\n") + "\n");
  const strictConfig = join(rootDir, "strict.config.yaml");
  writeFileSync(strictConfig, stringify({ paths: { data }, demo: { enabled: false }, sources: [{ name: "strict", path: strictDir, mapping: CSV_MAPPING }] }));
  const strict = await cli(strictConfig, ["extract", "--source", "strict", "--strict"]);
  setReaderLimits(DEFAULT_READER_LIMITS);

  const qdir = paths.quarantine;
  const quarantined: Quarantined[] = [...folder.quarantined, ...landing.quarantined];
  for (const d of readdirSync(qdir, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name === "webhooks" || d.name === "held") continue;
    for (const f of readdirSync(join(qdir, d.name))) {
      quarantined.push(...readFileSync(join(qdir, d.name, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Quarantined));
    }
  }
  const landed = new Map<string, Set<string>>();
  for (const e of Object.keys(FOLDER) as Entity[]) {
    const k = keyOf(e);
    const rows = await lake(paths, `SELECT DISTINCT "${k}" AS k FROM read_parquet('$RAW/${e}/*/*.parquet')`);
    landed.set(e, new Set(rows.map((r) => String(r.k))));
  }
  out = {
    quarantined, landed, printed: drop.text + strict.text, written: textFiles(data), folder, landing, dropExit: drop.code,
    strictExit: strict.code, strictOut: strict.text,
  };
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
  cleanups = [];
  for (const f of [join(outside, "secret.ndjson")]) if (existsSync(f)) chmodSync(f, 0o644);
});

/** Quarantine entries of a class's file (the folder's are relative to it; the drops' name the file's path). */
const entriesOf = (c: HostileClass, file = fileOf(c)) =>
  out.quarantined.filter((q) => (c.reader === "landing" ? q.file === `landing/webhooks/${file}` : c.reader === "folder" ? q.file === file : q.file.endsWith(`/${file}`) || q.file === file));

describe("hostile input: the suite's size", () => {
  it("has at least 100 classes, each id unique", () => {
    expect(CLASSES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CLASSES.map((c) => c.id)).size).toBe(CLASSES.length);
  });
});

describe("hostile input: every run completes", () => {
  it("the folder extract, the landing-zone commit and the file-drop import all finished; the import exits 0 and says how many were quarantined, by reason", () => {
    expect(out.folder.entities.length).toBeGreaterThan(0);
    expect(out.landing.lines).toBeGreaterThan(0);
    expect(out.dropExit, out.printed).toBe(0);
    expect(out.printed).toMatch(/quarantined [\d,]+ by reason: .*: \d+/);
  });

  it("--strict fails the run when anything was quarantined, and the good row still landed", () => {
    expect(out.strictExit).not.toBe(0);
    expect(out.strictOut).toMatch(/extract --strict: quarantined 1 by reason/);
    expect(out.landed.get("calls")!.has("ACstrictgood")).toBe(true);
    expect(out.landed.get("calls")!.has("ACstrictbad")).toBe(false);
  });

  it("an empty users.ndjson is refused with a reason and empties nothing", () => {
    expect(out.folder.quarantined.filter((q) => q.entity === "users").map((q) => [q.line, q.reason])).toEqual([[0, expect.stringMatching(/^empty: no records/)]]);
  });
});

describe("hostile input: nothing outside the configured folders is read", () => {
  it("the secret behind a symlink, and /etc/passwd, appear in nothing the runs wrote or printed", () => {
    for (const text of [out.written, out.printed, JSON.stringify(out.quarantined)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/root:x?:0:0/);
    }
    expect(out.landed.get("calls")!.has("ACsecret1")).toBe(false);
    expect(out.landed.get("calls")!.has("ACinsidetarget")).toBe(false);
  });

  it("quarantine reasons name the field and the rule, never the value", () => {
    // Values planted in bad records that must not reach a reason (the record itself keeps them, in the quarantine).
    for (const q of out.quarantined) expect(q.reason, q.reason).not.toMatch(/\(got "|PNnowhere|USnobody|exploded|12345/);
  });
});

describe.each(CLASSES.map((c) => [c.id, c] as const))("hostile class %s", (_id, c) => {
  it("every good record lands", () => {
    const keys = goodKeys(c.entity, tag(c));
    const landed = out.landed.get(c.entity)!;
    expect(keys.filter((k) => !landed.has(k)), `${c.title}: good records not landed`).toEqual([]);
  });

  if (c.kind === "records") {
    it(c.bad(tag(c)).length ? "every bad record is quarantined with file, line, field and reason, and does not land" : "nothing is quarantined: every record in it is good", () => {
      const bad = c.bad(tag(c));
      const entries = entriesOf(c).sort((a, b) => a.line - b.line);
      const { firstBad } = recordFile(c);
      expect(entries.map((q) => q.line), c.title).toEqual(bad.map((_, i) => firstBad + i));
      for (const q of entries) {
        expect(q.reason, c.title).toMatch(c.reason!);
        if (c.field === null) expect(q.field).toBeNull();
        else expect(q.field ?? "", `${c.title}: field`).toMatch(new RegExp(`(^|\\.)${c.field!.replace(/[.$]/g, "\\$&")}$`));
        expect(q.record.length, "the quarantine keeps the record").toBeGreaterThan(0);
      }
      // A bad record's key never lands (unless the bad line carried no key, or a good record shares it).
      if (bad.length) expect(out.landed.get(c.entity)!.has(badKey(c.entity, tag(c)))).toBe(false);
    });
  } else {
    it("the bad entry is refused whole, with file and reason, and never read", () => {
      const entries = entriesOf(c);
      expect(entries.map((q) => [q.line, q.field]), c.title).toEqual([[0, null]]);
      expect(entries[0]!.reason, c.title).toMatch(c.reason);
      expect(entries[0]!.record).toBe("");
    });
  }
});

describe("hostile input: README", () => {
  it("lists every class and the rule it meets (regenerate with UPDATE_README=1)", () => {
    const readme = join(import.meta.dirname, "..", "..", "README.md");
    const text = readFileSync(readme, "utf8");
    const begin = "<!-- hostile-classes:begin -->";
    const end = "<!-- hostile-classes:end -->";
    const table = `${begin}\n${readmeTable()}\n${end}`;
    const current = text.includes(begin) ? text.slice(text.indexOf(begin), text.indexOf(end) + end.length) : "";
    if (process.env.UPDATE_README && current !== table) writeFileSync(readme, current ? text.replace(current, table) : text);
    expect(statSync(readme).isFile()).toBe(true);
    expect(current, "README's class table is stale: run UPDATE_README=1 npx vitest run test/extract/hostile.test.ts").toBe(table);
  });
});

describe("hostile input: an orphan is held back, retried, and lands when its parent arrives late", () => {
  it("a call on a line not landed yet waits in data/quarantine/held with its full record; the line arrives by webhook-like late folder; the next run lands it; a second orphan past its wait is quarantined", async () => {
    const data = tmpDir("held-");
    const p = lakePaths(parseConfig({ paths: { data } }));
    const src = tmpDir("held-src-");
    const nd = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join("\n") + "\n";
    const line = (id: string) => ({ id, groupId: "g", createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z", name: id, number: "+14155550000", formattedNumber: null, forward: null, portRequestId: null, portingStatus: null, symbol: null, users: [] });
    mkdirSync(join(src, "calls"), { recursive: true });
    writeFileSync(join(src, "phone-numbers.ndjson"), nd([line("PN1")]));
    writeFileSync(join(src, "calls", "a.ndjson"), nd([goodRecord("calls", "ACok"), goodRecord("calls", "AClate", { phoneNumberId: "PNlate" })]));
    const first = await extractFiles(p, src);
    expect(first.entities.find((e) => e.entity === "calls")).toMatchObject({ read: 2, landed: 1, quarantined: 0 });
    const held = readFileSync(join(data, "quarantine", "held", "calls.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ id: "AClate", phoneNumberId: "PNlate", _source_file: "calls/a.ndjson", _source_line: 2, _held_field: "phoneNumberId" });
    expect(held[0]._held_reason).toMatch(/not found among landed phone_numbers.*held back/);
    const ids = async () => (await lake(p, "SELECT id FROM read_parquet('$RAW/calls/*/*.parquet') ORDER BY id")).map((r) => r.id);
    expect(await ids()).toEqual(["ACok"]);

    // The line arrives from elsewhere (another folder); the held call is retried and lands, the held file goes.
    const late = tmpDir("held-late-");
    writeFileSync(join(late, "phone-numbers.ndjson"), nd([line("PNlate")]));
    await extractFiles(p, late);
    expect(await ids()).toEqual(["AClate", "ACok"]);
    expect(existsSync(join(data, "quarantine", "held", "calls.ndjson"))).toBe(false);

    // Past the wait (0 h here) an orphan is quarantined with its full record instead of being held.
    writeFileSync(join(src, "calls", "b.ndjson"), nd([goodRecord("calls", "ACnever", { phoneNumberId: "PNnever" })]));
    setReaderLimits({ orphanWaitMs: 0 });
    try {
      const r = await extractFiles(p, src);
      const q = r.quarantined.filter((x) => x.file === "calls/b.ndjson");
      expect(q.map((x) => [x.line, x.field])).toEqual([[1, "phoneNumberId"]]);
      expect(JSON.parse(q[0]!.record)).toMatchObject({ id: "ACnever", phoneNumberId: "PNnever" });
    } finally {
      setReaderLimits(DEFAULT_READER_LIMITS);
    }
    expect(await ids()).toEqual(["AClate", "ACok"]);
  }, 60_000);
});
