/**
 * The demo data generator: a deterministic, streaming simulation of a business's phone lines
 * (calls, call-flow events, summaries, transcripts, texts, surveys, contacts), written as NDJSON
 * in the shapes of the OpenPhone/Quo API, with planted truths listed in manifest.json.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { publishFile } from "../../core/atomic.ts";
import { isTimeZone } from "../../core/config.ts";
import { Calendar, formatDay, iso, parseDay, parseHHMM, Zone } from "./calendar.ts";
import { simulateIncoming, simulateOutgoing } from "./callflow.ts";
import { planChurn } from "./churn.ts";
import { PII_RATES, type Gen } from "./context.ts";
import { emitCall, emitThread } from "./emit.ts";
import { writeManifest } from "./manifest.ts";
import { OpportunityPlant } from "./opportunity.ts";
import { ContactPicker } from "./picker.ts";
import { PlaybookPlant } from "./playbook.ts";
import { buildContacts, buildStaff, contactRecord, phoneNumberRecord, userRecord } from "./population.ts";
import { cumulative, Rng } from "./rng.ts";
import { SCALES, type DemoScale } from "./scales.ts";
import { Texter } from "./text.ts";
import { DEMO_TOPICS, LINE_NAMES, TOPIC_INDEX } from "./topics.ts";
import { OUTGOING_PER_INCOMING, OUTGOING_TOPICS, pickOutageWeek, Volume } from "./volume.ts";
import { monthOf, NdjsonWriter } from "./writer.ts";

export { SCALES } from "./scales.ts";
export type { DemoScale } from "./scales.ts";

export interface GenerateOptions {
  outDir: string;
  scale: DemoScale;
  seed: number;
  /** Last day of data, YYYY-MM-DD (business-local calendar). */
  endDate: string;
  /** Length of the window in years (fractions allowed, e.g. 0.25). */
  years: number;
  /**
   * Write only what is visible at the end of this day, YYYY-MM-DD (business-local; within the window,
   * at least 14 days after its start): the business is planned and simulated over the whole window
   * as without it, and a record is written only when its last instant is before the next midnight
   * (contacts: those who were customers by then, in their state as of then). So a later day writes
   * the same records for every earlier day, plus those of the days in between.
   */
  emitUntil?: string;
  /** IANA time zone of the business. */
  timezone: string;
  open: string;
  close: string;
  businessName: string;
  /** Called after each generated day with (days done, days in total). */
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  outDir: string;
  files: string[];
  counts: Record<string, number>;
  manifestPath: string;
}

export const ENTITIES = [
  "phone-numbers", "users", "contacts", "calls", "call-flow-events", "call-summaries", "call-transcripts", "messages", "survey-responses",
] as const;
const MONTHLY = ["calls", "call-flow-events", "call-summaries", "call-transcripts", "messages", "survey-responses"];

function validate(opts: GenerateOptions): void {
  if (!(opts.scale in SCALES)) throw new Error(`unknown scale ${JSON.stringify(opts.scale)} (small, medium or large)`);
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw new Error(`seed must be a non-negative integer, got ${opts.seed}`);
  if (!(opts.years > 0 && opts.years <= 10)) throw new Error(`years must be in (0, 10], got ${opts.years}`);
  parseDay(opts.endDate);
  if (opts.emitUntil !== undefined) parseDay(opts.emitUntil);
  parseHHMM(opts.open);
  parseHHMM(opts.close);
  if (!isTimeZone(opts.timezone)) throw new Error(`unknown IANA time zone ${JSON.stringify(opts.timezone)}`);
}

const SINGLE = ["phone-numbers.ndjson", "users.ndjson", "contacts.ndjson", "manifest.json"];

/** The generator's own files under a folder (relative paths): the monthly entity files and the single ones. */
function ownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of MONTHLY) if (existsSync(join(dir, d))) for (const f of readdirSync(join(dir, d))) out.push(`${d}/${f}`);
  for (const f of SINGLE) if (existsSync(join(dir, f))) out.push(f);
  return out.sort();
}

/**
 * Move a finished generation from `staged` into `outDir`, file by file: a file whose bytes are already
 * there is left untouched (same mtime), so a business extended by a day changes only the files that
 * day touched, as an API delivering one more day would, and extract's memo reads only those. The
 * generator's files the new generation lacks are removed; nothing else in `outDir` is touched.
 */
function publishGeneration(staged: string, outDir: string): void {
  const fresh = new Set(ownFiles(staged));
  for (const rel of ownFiles(outDir)) if (!fresh.has(rel)) rmSync(join(outDir, rel), { force: true });
  for (const rel of fresh) publishFile(join(staged, rel), join(outDir, rel));
  rmSync(staged, { recursive: true, force: true });
}

const windowDays = (years: number) => Math.max(14, Math.round(years * 365.25));

/** The days `emitUntil` may name for a window (its 15th day … its last), YYYY-MM-DD. */
export function emitRange(endDate: string, years: number): { first: string; last: string } {
  const end = parseDay(endDate);
  return { first: formatDay(end - windowDays(years) + 1 + 14), last: endDate };
}

/** The instant written records must precede (the midnight after `emitUntil`), or undefined to write everything. */
function emitCutoff(opts: GenerateOptions, cal: Calendar): number | undefined {
  if (opts.emitUntil === undefined) return undefined;
  const day = parseDay(opts.emitUntil);
  if (day < cal.startDay + 14 || day > cal.endDay) {
    const r = emitRange(opts.endDate, opts.years);
    throw new Error(`end date ${opts.emitUntil} is outside the business's window: expected ${r.first} … ${r.last} (demo.endDate ${opts.endDate}, demo.years ${opts.years})`);
  }
  return cal.zone.toUtc(day + 1, 0);
}

export async function generateDemo(opts: GenerateOptions): Promise<GenerateResult> {
  validate(opts);
  const outDir = resolve(opts.outDir);
  const spec = SCALES[opts.scale];
  const endDay = parseDay(opts.endDate);
  const nDays = windowDays(opts.years);
  const zone = new Zone(opts.timezone);
  const cal = new Calendar(zone, endDay - nDays + 1, endDay, opts.open, opts.close);
  const sizeFactor = nDays / 730.5;
  const until = emitCutoff(opts, cal);

  const popRng = new Rng(opts.seed, 1);
  const planRng = new Rng(opts.seed, 2);
  const rng = new Rng(opts.seed, 3);
  const recRng = new Rng(opts.seed, 4);

  const { lines, agents } = buildStaff(popRng, spec.agents, opts.timezone, opts.businessName, cal.windowStartMs);
  const contacts = buildContacts(popRng, Math.max(500, Math.round(spec.contacts * sizeFactor)), cal, new Set(lines.map((l) => l.number)));
  const outageWeek = pickOutageWeek(planRng, cal);
  const churn = planChurn(planRng, contacts, cal);
  const targetCalls = Math.round(spec.calls * sizeFactor);
  const vol = new Volume(cal, outageWeek, Math.max(0, (targetCalls - churn.scriptedCalls) / (1 + OUTGOING_PER_INCOMING)));

  // Written whole into a staging folder beside the output, then published file by file (publishGeneration).
  const staged = join(dirname(outDir), `.${basename(outDir)}.generating`);
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  const out = new NdjsonWriter(staged, until ?? Infinity);
  for (const line of lines) out.single("phone-numbers", phoneNumberRecord(line));
  for (const a of agents) out.single("users", userRecord(a));

  const g: Gen = {
    rng, texter: new Texter(rng, opts.businessName), cal, lines, contacts, out, windowEndMs: cal.windowEndMs,
    transcriptShare: spec.transcriptShare, surveyShare: spec.surveyShare,
    piiMessageRate: PII_RATES.message, piiTranscriptRate: PII_RATES.transcript, pii: [], loopCallIds: [],
    playbook: new PlaybookPlant(opts.seed), opportunity: new OpportunityPlant(opts.seed, contacts, cal),
  };
  const picker = new ContactPicker(contacts, rng, DEMO_TOPICS.length);
  const outCum = cumulative(OUTGOING_TOPICS.map((t) => t[2]));
  const billing = LINE_NAMES.indexOf("Billing");
  const ivr = { billingEntered: 0, billingDropped: 0 };
  const countIvr = (events: object[]) => {
    const evs = events as Array<{ type: string; menu: string | null }>;
    if (evs.some((e) => e.type === "ivr_entered" && e.menu === "billing")) {
      ivr.billingEntered++;
      const last = evs[evs.length - 1]!;
      if (last.type === "hangup" && last.menu === "billing") ivr.billingDropped++;
    }
  };

  for (let di = 0; di < nDays; di++) {
    const day = cal.startDay + di;
    const info = cal.info(day);
    out.closeBefore(monthOf(iso(zone.toUtc(day, 0))));
    g.playbook.flush(zone.toUtc(day, 0));
    picker.advance(zone.toUtc(day + 1, 0));
    const outage = vol.inOutageWeek(day);

    vol.cells.forEach((cell, ci) => {
      const n = rng.poisson(vol.callLambda(di, ci));
      for (let k = 0; k < n; k++) {
        const sec = cal.sampleCallSec(rng, info);
        const contact = picker.pick(zone.toUtc(day, sec), cell.topic, false);
        if (contact < 0) continue;
        const sim = simulateIncoming(rng, cal, lines, day, sec, cell.line, cell.topic, contact, contacts.segment[contact]!, null, outage);
        if (cell.line === billing) countIvr(sim.events);
        emitCall(g, sim, day, sec, false);
      }
    });
    if (info.kind !== 2) {
      const n = rng.poisson(OUTGOING_PER_INCOMING * vol.dayCalls(di));
      for (let k = 0; k < n; k++) {
        const [lineName, topicId] = OUTGOING_TOPICS[rng.weighted(outCum)]!;
        const topic = TOPIC_INDEX[topicId];
        const sec = cal.sampleOpenSec(rng, info);
        const picked = picker.pick(zone.toUtc(day, sec), topic, false);
        if (picked < 0) continue;
        const contact = g.opportunity.checkIn(picked, lineName, day, zone.toUtc(day, sec));
        const line = lines[LINE_NAMES.indexOf(lineName)]!;
        emitCall(g, simulateOutgoing(rng, cal, line, day, sec, topic, contact, contacts.segment[contact]!), day, sec, false);
      }
    }
    vol.cells.forEach((cell, ci) => {
      const n = rng.poisson(vol.threadLambda(di, ci));
      for (let k = 0; k < n; k++) {
        const sec = cal.sampleTextSec(rng);
        const contact = picker.pick(zone.toUtc(day, sec), cell.topic, true);
        if (contact >= 0) emitThread(g, day, sec, cell.line, cell.topic, contact, false);
      }
    });
    for (const item of churn.byDay.get(day) ?? []) {
      if (item.kind === "thread") {
        emitThread(g, day, item.sec, item.line, item.topic, item.contact, true);
        continue;
      }
      const sim = simulateIncoming(rng, cal, lines, day, item.sec, item.line, item.topic, item.contact, contacts.segment[item.contact]!, item.force, outage);
      if (item.line === billing) countIvr(sim.events);
      emitCall(g, sim, day, item.sec, true);
    }
    opts.onProgress?.(di + 1, nDays);
    if (di % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  g.playbook.flush(Infinity);
  g.opportunity.finish();
  // Written last: the contacts' last-order field is known only after the simulation (their other
  // attributes come from their own random stream, so the order of writing changes nothing else).
  for (let i = 0; i < contacts.n; i++) {
    const rec = contactRecord(contacts, i, recRng, agents, g.opportunity.orderMs[i]!, until);
    if (!(contacts.sinceMs[i]! >= (until ?? Infinity))) out.single("contacts", rec);
  }
  out.closeAll();

  const counts: Record<string, number> = {};
  for (const e of ENTITIES) counts[e] = out.counts[e] ?? 0;
  const files = [...out.files(), "manifest.json"].sort();
  writeManifest(staged, {
    params: {
      seed: opts.seed, scale: opts.scale, endDate: opts.endDate, years: opts.years, timezone: opts.timezone,
      open: opts.open, close: opts.close, businessName: opts.businessName, ...(opts.emitUntil === undefined ? {} : { emitUntil: opts.emitUntil }),
    },
    cal, lines, contacts, churn, outageWeekStart: outageWeek, loopCallIds: g.loopCallIds, ivr, pii: g.pii, counts, files,
    playbook: g.playbook, opportunity: g.opportunity, emittedEnd: opts.emitUntil,
  });
  mkdirSync(outDir, { recursive: true });
  publishGeneration(staged, outDir);
  return { outDir, files, counts, manifestPath: join(outDir, "manifest.json") };
}
