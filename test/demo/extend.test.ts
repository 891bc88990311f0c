/**
 * `generate --end-date D` extends a business by days: the business is planned over its whole window
 * (demo.endDate, demo.years), and a run up to D writes exactly the records visible by the end of D.
 * Three runs of one short window (up to D1, up to D2 > D1, up to the window's end) and one without an
 * end date are compared record by record: every record of the D1 run is byte-identical in the later
 * runs, nothing in a run is dated after its end, and each run holds exactly the records of the
 * no-end-date run dated up to its end. A record is dated by its latest timestamp (and its call's or
 * its interaction's: flow events, summaries and transcripts appear with their call).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemo, type GenerateResult } from "../../pipelines/sources/demo/generate.ts";
import { commsight } from "../helpers/cli.ts";
import { BASE_OPTIONS, listFiles, localDater, readEntity } from "./helpers.ts";

const WINDOW = { scale: "small" as const, seed: 11, years: 0.2, ...BASE_OPTIONS };
// The window is 2026-09-04 … 2026-11-15 (73 days); D1 → D2 crosses a month boundary.
const D1 = "2026-10-14";
const D2 = "2026-11-03";
const END = BASE_OPTIONS.endDate;
const DAY_STAMPED = ["calls", "call-flow-events", "call-summaries", "call-transcripts", "messages", "survey-responses"] as const;
const KEY: Record<string, string> = {
  calls: "id", "call-flow-events": "id", "call-summaries": "callId", "call-transcripts": "callId", messages: "id",
  "survey-responses": "id", contacts: "id", users: "id", "phone-numbers": "id",
};
const ENTITIES = [...DAY_STAMPED, "contacts", "users", "phone-numbers"];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const toDate = localDater(BASE_OPTIONS.timezone);

const root = mkdtempSync(join(tmpdir(), "commsight-extend-"));
type Run = { res: GenerateResult; dir: string; lines: Record<string, Map<string, string>> };
const runs: Record<string, Run> = {};

/** Every ISO timestamp anywhere in a value (nested objects and arrays included). */
function timestamps(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") { if (ISO.test(v)) out.push(v); }
  else if (Array.isArray(v)) for (const x of v) timestamps(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) timestamps(x, out);
  return out;
}

async function generate(name: string, emitUntil?: string): Promise<Run> {
  const dir = join(root, name);
  const res = await generateDemo({ ...WINDOW, outDir: dir, ...(emitUntil ? { emitUntil } : {}) });
  const lines: Record<string, Map<string, string>> = {};
  for (const e of ENTITIES) {
    const m = new Map<string, string>();
    for (const r of readEntity(dir, e)) {
      const k = String(r[KEY[e]!]);
      expect(m.has(k), `${name}: ${e} ${k} written twice`).toBe(false);
      m.set(k, JSON.stringify(r));
    }
    lines[e] = m;
  }
  return { res, dir, lines };
}

/** The local date a record becomes visible: its latest timestamp, and its call's or interaction's in the full run. */
function dater(full: Run) {
  const own = (json: string) => timestamps(JSON.parse(json)).map(toDate).reduce((a, b) => (a > b ? a : b), "0000-00-00");
  const parents = new Map<string, string>();
  const parent = (id: string) => {
    let d = parents.get(id);
    if (d === undefined) {
      const j = full.lines.calls!.get(id) ?? full.lines.messages!.get(id);
      d = j === undefined ? "0000-00-00" : own(j);
      parents.set(id, d);
    }
    return d;
  };
  const memo = new Map<string, string>();
  return (entity: string, json: string): string => {
    const m = memo.get(json);
    if (m !== undefined) return m;
    const r = JSON.parse(json);
    const ref = entity === "survey-responses" ? r.interactionId : entity === "calls" ? undefined : r.callId;
    const d = own(json);
    const p = ref === undefined ? "0000-00-00" : parent(ref);
    memo.set(json, d > p ? d : p);
    return d > p ? d : p;
  };
}

beforeAll(async () => {
  runs.d1 = await generate("d1", D1);
  runs.d2 = await generate("d2", D2);
  runs.end = await generate("end", END);
  runs.none = await generate("none");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("generate --end-date: a business extended by days", () => {
  let dateOf: (entity: string, json: string) => string;
  beforeAll(() => { dateOf = dater(runs.none!); });

  it("writes nothing dated after its end date, and every record of a day in a later run is the same record", () => {
    for (const [name, end] of [["d1", D1], ["d2", D2], ["end", END]] as const) {
      const run = runs[name]!;
      for (const e of ENTITIES) {
        let latest = "0000-00-00";
        for (const json of run.lines[e]!.values()) {
          // Any timestamp anywhere in the record (churned-at and last-order fields of contacts too).
          for (const t of timestamps(JSON.parse(json))) if (toDate(t) > latest) latest = toDate(t);
        }
        expect(latest <= end, `${name}: ${e} has a record dated ${latest}, after ${end}`).toBe(true);
      }
      // Flow events, summaries and transcripts come with their call; surveys with their interaction.
      for (const e of ["call-flow-events", "call-summaries", "call-transcripts"]) {
        for (const json of run.lines[e]!.values()) expect(run.lines.calls!.has(JSON.parse(json).callId), `${name}: ${e} of an unwritten call`).toBe(true);
      }
      for (const json of run.lines["survey-responses"]!.values()) {
        const id = JSON.parse(json).interactionId;
        expect(run.lines.calls!.has(id) || run.lines.messages!.has(id), `${name}: survey of an unwritten interaction ${id}`).toBe(true);
      }
      // Exactly the records of the run without an end date that are dated up to the end.
      for (const e of DAY_STAMPED) {
        const want = [...runs.none!.lines[e]!].filter(([, j]) => dateOf(e, j) <= end).map(([k, j]) => `${k} ${j}`).sort();
        const got = [...run.lines[e]!].map(([k, j]) => `${k} ${j}`).sort();
        expect(got.length, `${name}: ${e}`).toBe(want.length);
        expect(got, `${name}: ${e}`).toEqual(want);
      }
    }
  });

  it("D2 = D1 ∪ the records dated D1+1 … D2, and every record of D1 is byte-identical in D2 and at the end", () => {
    const [d1, d2, end] = [runs.d1!, runs.d2!, runs.end!];
    for (const e of DAY_STAMPED) {
      expect(d1.lines[e]!.size, `${e} in D1`).toBeGreaterThan(0);
      for (const [k, j] of d1.lines[e]!) {
        expect(d2.lines[e]!.get(k), `${e} ${k} differs in D2`).toBe(j);
        expect(end.lines[e]!.get(k), `${e} ${k} differs at the end`).toBe(j);
      }
      const added = [...d2.lines[e]!].filter(([k]) => !d1.lines[e]!.has(k));
      expect(added.length, `${e}: days D1+1 … D2 add records`).toBeGreaterThan(0);
      for (const [k, j] of added) {
        const d = dateOf(e, j);
        expect(d > D1 && d <= D2, `${e} ${k} added in D2 is dated ${d}`).toBe(true);
      }
    }
    for (const e of ["users", "phone-numbers"]) expect([...d1.lines[e]!]).toEqual([...end.lines[e]!]);
  });

  it("writes a contact once a customer, in its state as of the end date: unchanged until it changes, then dated by the change", () => {
    const [d1, d2, end, none] = [runs.d1!, runs.d2!, runs.end!, runs.none!];
    const since = (j: string) => toDate(JSON.parse(j).createdAt);
    const updated = (j: string) => toDate(JSON.parse(j).updatedAt);
    for (const [run, day] of [[d1, D1], [d2, D2], [end, END]] as const) {
      const want = [...none.lines.contacts!].filter(([, j]) => since(j) <= day).map(([k]) => k).sort();
      expect([...run.lines.contacts!.keys()].sort()).toEqual(want);
    }
    let changed = 0;
    for (const [k, j1] of d1.lines.contacts!) {
      const j2 = d2.lines.contacts!.get(k)!;
      expect(j2, `contact ${k} of D1 missing in D2`).toBeDefined();
      if (updated(j2) <= D1) expect(j2, `contact ${k} changed in D2 without a later updatedAt`).toBe(j1);
      else {
        changed++;
        expect(updated(j2) <= D2).toBe(true);
        expect(updated(j2) > updated(j1)).toBe(true);
      }
      // Apart from the state that changes (churn, last order, updatedAt) a contact is the same record.
      const stable = (j: string) => {
        const r = JSON.parse(j);
        return JSON.stringify({ ...r, updatedAt: null, customFields: r.customFields.filter((f: { key: string }) => !["churned", "churned-at", "last-order"].includes(f.key)) });
      };
      expect(stable(j2)).toBe(stable(j1));
      expect(stable(none.lines.contacts!.get(k)!)).toBe(stable(j1));
    }
    expect(changed, "some contacts churn or buy between D1 and D2").toBeGreaterThan(0);
    // A contact's churn and last order show once they happened, and its updatedAt is the latest change.
    for (const [k, j] of d2.lines.contacts!) {
      const r = JSON.parse(j);
      const field = (key: string) => r.customFields.find((f: { key: string }) => f.key === key).value;
      const full = JSON.parse(none.lines.contacts!.get(k)!);
      const fullField = (key: string) => full.customFields.find((f: { key: string }) => f.key === key).value;
      const at = (v: string | null) => (v !== null && toDate(v) <= D2 ? v : null);
      expect(field("churned-at")).toBe(at(fullField("churned-at")));
      expect(field("last-order")).toBe(at(fullField("last-order")));
      expect(r.updatedAt).toBe([r.createdAt, field("churned-at"), field("last-order")].filter(Boolean).sort().at(-1));
    }
  });

  it("records the emitted end in the manifest, counts what it wrote, and leaves the output without an end date as it was", () => {
    const m = JSON.parse(readFileSync(join(runs.d1!.dir, "manifest.json"), "utf8"));
    expect(m.emitted.end).toBe(D1);
    expect(m.params.emitUntil).toBe(D1);
    expect(m.dateRange.end).toBe(END);
    for (const e of ENTITIES) expect(runs.d1!.res.counts[e], e).toBe(runs.d1!.lines[e]!.size);
    expect(runs.d1!.res.files).toEqual(listFiles(runs.d1!.dir));
    const none = JSON.parse(readFileSync(join(runs.none!.dir, "manifest.json"), "utf8"));
    expect(none.emitted).toBeUndefined();
    expect(none.params.emitUntil).toBeUndefined();
    // Without an end date, contacts keep the updatedAt they always had (the churn instant, else customer-since).
    for (const j of runs.none!.lines.contacts!.values()) {
      const r = JSON.parse(j);
      expect(r.updatedAt).toBe(r.customFields.find((f: { key: string }) => f.key === "churned-at").value ?? r.createdAt);
    }
  });

  it("extending a folder in place rewrites only the files the new days change: the others keep their bytes and mtime", async () => {
    const dir = join(root, "in-place");
    await generateDemo({ ...WINDOW, outDir: dir, emitUntil: D1 });
    const before = new Map(listFiles(dir).map((f) => [f, { bytes: readFileSync(join(dir, f)), mtime: statSync(join(dir, f)).mtimeMs }]));
    writeFileSync(join(dir, "notes.txt"), "not the generator's\n");
    await new Promise((r) => setTimeout(r, 20));
    await generateDemo({ ...WINDOW, outDir: dir, emitUntil: D2 });
    // the same files, byte for byte, as a fresh run to D2; nothing of the generator's is left over
    expect(listFiles(dir).filter((f) => f !== "notes.txt")).toEqual(listFiles(runs.d2!.dir));
    for (const f of listFiles(runs.d2!.dir)) expect(readFileSync(join(dir, f)).equals(readFileSync(join(runs.d2!.dir, f))), f).toBe(true);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("not the generator's\n");
    let kept = 0, rewritten = 0;
    for (const [f, b] of before) {
      if (!existsSync(join(dir, f))) continue;
      const same = readFileSync(join(dir, f)).equals(b.bytes);
      const mtime = statSync(join(dir, f)).mtimeMs;
      if (same) { expect(mtime, `${f} unchanged, so untouched`).toBe(b.mtime); kept++; } else { expect(mtime, f).toBeGreaterThan(b.mtime); rewritten++; }
    }
    // September's monthly files are complete by D1 (2026-10-14) and stay; October's and the manifest change.
    expect(kept).toBeGreaterThan(0);
    expect(rewritten).toBeGreaterThan(0);
    expect(before.get("calls/2026-09.ndjson")).toBeDefined();
    expect(statSync(join(dir, "calls/2026-09.ndjson")).mtimeMs).toBe(before.get("calls/2026-09.ndjson")!.mtime);
    expect(existsSync(join(root, ".in-place.generating"))).toBe(false);
  });

  it("through the CLI: --end-date writes the same files, and a day outside the window is a usage error", () => {
    const data = join(root, "cli");
    const config = join(root, "cli.yaml");
    writeFileSync(config, [
      `business: { name: ${WINDOW.businessName}, timezone: ${WINDOW.timezone}, open: "${WINDOW.open}", close: "${WINDOW.close}" }`,
      `demo: { scale: small, seed: ${WINDOW.seed}, years: ${WINDOW.years}, endDate: "${END}" }`,
    ].join("\n") + "\n");
    const ok = commsight(["--config", config, "--data", data, "--quiet", "generate", "--end-date", D1]);
    expect(ok.code, ok.stderr).toBe(0);
    const out = join(data, "sources", "demo");
    expect(listFiles(out)).toEqual(listFiles(runs.d1!.dir));
    for (const f of listFiles(out)) expect(readFileSync(join(out, f), "utf8"), f).toBe(readFileSync(join(runs.d1!.dir, f), "utf8"));
    const early = commsight(["--config", config, "--data", data, "generate", "--end-date", "2026-09-10"]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/--end-date 2026-09-10: expected a day from 2026-09-18 to 2026-11-15/);
  });
});
