/** Helpers for the demo generator tests: run it into a temp dir, read its NDJSON back. */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDemo, type GenerateOptions, type GenerateResult } from "../../pipelines/sources/demo/generate.ts";

export const BASE_OPTIONS = {
  endDate: "2026-11-15",
  timezone: "America/New_York",
  open: "08:00",
  close: "20:00",
  businessName: "Acme Home Services",
} as const;

const made: string[] = [];

/** Remove the temp dirs generateInto made (call from afterAll). */
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function generateInto(prefix: string, over: Partial<GenerateOptions> = {}): Promise<GenerateResult> {
  const outDir = mkdtempSync(join(tmpdir(), `commsight-demo-${prefix}-`));
  made.push(outDir);
  return generateDemo({ outDir, scale: "small", seed: 42, years: 2, ...BASE_OPTIONS, ...over });
}

/** Every file under dir (relative paths, sorted). */
export function listFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out;
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Parsed lines of `entity.ndjson` or of every `entity/*.ndjson`. */
export function readEntity<T = any>(dir: string, entity: string): T[] {
  const files = listFiles(dir).filter((f) => f === `${entity}.ndjson` || f.startsWith(`${entity}/`));
  const out: T[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), "utf8");
    for (const line of text.split("\n")) if (line) out.push(JSON.parse(line) as T);
  }
  return out;
}

/** Local calendar date (YYYY-MM-DD) of a UTC timestamp in a zone; cached per hour. */
export function localDater(tz: string): (isoTs: string) => string {
  const dtf = new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" });
  const cache = new Map<number, string>();
  return (isoTs: string) => {
    const hour = Math.floor(Date.parse(isoTs) / 3_600_000);
    let s = cache.get(hour);
    if (s === undefined) {
      const p = Object.fromEntries(dtf.formatToParts(new Date(hour * 3_600_000)).map((x) => [x.type, x.value]));
      s = `${p.year}-${p.month}-${p.day}`;
      cache.set(hour, s);
    }
    return s;
  };
}

/** Local hour of day of a UTC timestamp in a zone. */
export function localHour(tz: string): (isoTs: string) => number {
  const dtf = new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "2-digit", hourCycle: "h23" });
  const cache = new Map<number, number>();
  return (isoTs: string) => {
    const hour = Math.floor(Date.parse(isoTs) / 3_600_000);
    let h = cache.get(hour);
    if (h === undefined) {
      h = Number(dtf.formatToParts(new Date(hour * 3_600_000)).find((x) => x.type === "hour")!.value) % 24;
      cache.set(hour, h);
    }
    return h;
  };
}

/** ISO weekday (1 = Monday) of a YYYY-MM-DD date. */
export function isoWeekdayOf(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Monday (YYYY-MM-DD) of the ISO week holding a date. */
export function mondayOfDate(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`) - (isoWeekdayOf(date) - 1) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** All records of a generated run, parsed. */
export function loadRun(dir: string) {
  return {
    manifest: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")),
    calls: readEntity(dir, "calls"),
    events: readEntity(dir, "call-flow-events"),
    summaries: readEntity(dir, "call-summaries"),
    transcripts: readEntity(dir, "call-transcripts"),
    messages: readEntity(dir, "messages"),
    surveys: readEntity(dir, "survey-responses"),
    contacts: readEntity(dir, "contacts"),
    phoneNumbers: readEntity(dir, "phone-numbers"),
  };
}

export const summaryText = (s: { summary: string[]; nextSteps: string[] }) => [...s.summary, ...s.nextSteps].join(" ");
export const transcriptText = (t: { dialogue: Array<{ content: string }> }) => t.dialogue.map((d) => d.content).join(" ");
