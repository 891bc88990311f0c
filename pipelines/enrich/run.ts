/**
 * The enrich stage: reads the raw text entities (messages, call transcripts and summaries, survey
 * comments) of the days whose inputs changed since the last run (pipelines/enrich/plan.ts; every
 * day on a first run or a new analysis version), a month at a time; redacts PII before anything
 * else touches the text, honours opt-outs, computes sentiment, topics, conversation metrics,
 * summaries and terms, and writes the enriched entities (pipelines/catalog/enriched.ts) to
 * data/lake/enriched/<name>/date=…/, each month's partitions published atomically as soon as it
 * is analysed, then its days recorded in data/state/enrich/ (pipelines/enrich/state.ts). It reads
 * data/lake/raw and writes data/lake/enriched and its state only.
 */
import { join } from "node:path";
import { z } from "zod";
import { clearStaging } from "../core/atomic.ts";
import type { Config } from "../core/config.ts";
import { lit, rows, sqlTemplate, openDb, type Db } from "../core/duckdb.ts";
import { log } from "../core/log.ts";
import { steps } from "../core/progress.ts";
import type { Paths } from "../core/paths.ts";
import { sourceRelation } from "../core/paths.ts";
import { loadContacts } from "../privacy/optOut.ts";
import { guardKeyChange } from "../privacy/pseudonym.ts";
import type { TopicClassifier } from "../../models/text/classifier.ts";
import { redactText } from "../privacy/redact.ts";
import { enrichCalls, RawCalls, RawTurns } from "./calls.ts";
import { newContext, type EnrichContext } from "./context.ts";
import { ENRICHED, type CallText, type MessageText, type SurveyComment, type TextTerm, type TranscriptTurn } from "../catalog/enriched.ts";
import { enrichMessages, enrichSurveys, RawMessages, RawSurveys } from "./messages.ts";
import { pruneDigests, writeDigest } from "./contacts.ts";
import { planRun } from "./plan.ts";
import { columns, daysRelation } from "./read.ts";
import { analysisVersion, dayPrint, readState, stateDir, writeState, type EnrichState } from "./state.ts";
import { EntityWriter, removePartitions } from "./write.ts";

const SQL = join(import.meta.dirname, "sql");
const entity = (name: string) => ENRICHED.find((e) => e.name === name)!;
const DIALOGUE = 'STRUCT(content VARCHAR, start DOUBLE, "end" DOUBLE, identifier VARCHAR, userId VARCHAR)[]';

export type EnrichResult = {
  rowsIn: number; rowsOut: number; outputs: string[]; seconds: number;
  entities: { name: string; rows: number; partitions: number; removed: number }[];
  pii: Record<string, number>; optedOutCalls: number; analysedCalls: number; classifier: string | null;
  /** Days analysed this run, left as they were, and whose enriched partitions were removed (no raw text left); full: a first run or a new analysis version. */
  days: { analysed: number; unchanged: number; removed: number; full: boolean };
};

const Example = z.object({ text: z.string().min(1), topic: z.string().min(1) });

/** Labelled examples (CSV text,topic), redacted like everything else before training on them. */
async function trainFromExamples(db: Db, config: Config): Promise<TopicClassifier | null> {
  const file = config.text.topics.examplesFile;
  if (!file) return null;
  const raw = await rows(db, `SELECT text, topic FROM read_csv(${lit(file)}, header = true, all_varchar = true)`);
  const examples = raw.map((r, i) => {
    const e = Example.safeParse(r);
    if (!e.success) throw new Error(`${file}: row ${i + 2}: expected columns text and topic`);
    return { text: redactText(e.data.text, { types: config.privacy.redact, region: config.privacy.defaultRegion }).text, topic: e.data.topic };
  });
  // TensorFlow.js is loaded only when there is something to train (not on a night with nothing new).
  const { trainClassifier } = await import("../../models/text/classifier.ts");
  return trainClassifier(examples, { epochs: config.text.topics.epochs, seed: config.text.topics.seed });
}

type Writers = {
  messages: EntityWriter<MessageText>; turns: EntityWriter<TranscriptTurn>; calls: EntityWriter<CallText>;
  surveys: EntityWriter<SurveyComment>; terms: EntityWriter<TextTerm>;
};

async function openWriters(db: Db): Promise<Writers> {
  return {
    messages: await EntityWriter.open<MessageText>(db, entity("message_texts")), turns: await EntityWriter.open<TranscriptTurn>(db, entity("transcript_turns")),
    calls: await EntityWriter.open<CallText>(db, entity("call_texts")), surveys: await EntityWriter.open<SurveyComment>(db, entity("survey_comments")),
    // Millions of small, generated rows: their shape is fixed by textTerms, so zod checks are skipped here.
    terms: await EntityWriter.open<TextTerm>(db, entity("text_terms"), false),
  };
}

/** Analyse the texts of some days (of one month) into the writers; returns the texts read. */
async function analyseDays(db: Db, ctx: EnrichContext, raw: string, days: string[], w: Writers, result: EnrichResult, timed: Timed): Promise<number> {
  const src = (entity: string, empty: string) => daysRelation(raw, entity, days, empty);
  let read = 0;
  const messages = await timed("read", () => columns(db, sqlTemplate(join(SQL, "messages.sql"), {
    messages: src("messages", "NULL::VARCHAR AS id, NULL::VARCHAR AS direction, NULL::VARCHAR AS text, NULL::VARCHAR AS \"from\", NULL::VARCHAR[] AS \"to\""),
  }), RawMessages));
  read += (await timed("analyse", () => enrichMessages(ctx, messages, w.messages, w.terms))).read;
  const transcripts = src("call_transcripts", `NULL::VARCHAR AS callId, NULL::${DIALOGUE} AS dialogue`);
  // A call's summary and transcript are partitioned with the call (catalog/raw.ts dayFrom), so the
  // same days' calls give every call's number.
  const calls = await timed("read", () => columns(db, sqlTemplate(join(SQL, "calls.sql"), {
    summaries: src("call_summaries", "NULL::VARCHAR AS callId, NULL::VARCHAR[] AS summary, NULL::VARCHAR[] AS nextSteps"),
    transcripts, calls: src("calls", "NULL::VARCHAR AS id, NULL::VARCHAR[] AS participants"),
  }), RawCalls));
  const turns = await timed("read", () => columns(db, sqlTemplate(join(SQL, "turns.sql"), { transcripts }), RawTurns));
  const r = await timed("analyse", () => enrichCalls(ctx, calls, turns, w));
  read += r.read;
  result.optedOutCalls += r.optedOut;
  result.analysedCalls += r.analysed;
  const surveys = await timed("read", () => columns(db, sqlTemplate(join(SQL, "surveys.sql"), {
    surveys: src("survey_responses", "NULL::VARCHAR AS id, NULL::VARCHAR AS comment, NULL::VARCHAR AS contactId"),
  }), RawSurveys));
  read += (await timed("analyse", () => enrichSurveys(ctx, surveys, w.surveys, w.terms))).read;
  return read;
}

type Timed = <T>(key: "read" | "analyse", f: () => T | Promise<T>) => Promise<T>;

/** The raw contacts: all of them, or (`days`) only those the texts of these days can reach. */
function contactsRelation(raw: string, days: string[] | null): string | null {
  const all = sourceRelation(raw, "contacts");
  if (!all || !days) return all;
  const src = (entity: string, empty: string) => daysRelation(raw, entity, days, empty);
  return sqlTemplate(join(SQL, "contacts_of_days.sql"), {
    contacts: all,
    surveys: src("survey_responses", "NULL::VARCHAR AS contactId"),
    messages: src("messages", "NULL::VARCHAR AS direction, NULL::VARCHAR AS \"from\", NULL::VARCHAR[] AS \"to\""),
    calls: src("calls", "NULL::VARCHAR[] AS participants"),
  });
}

/** Days grouped by month (YYYY-MM), in order: one batch each. */
function byMonth(days: string[]): [string, string[]][] {
  const out = new Map<string, string[]>();
  for (const d of days) out.set(d.slice(0, 7), [...(out.get(d.slice(0, 7)) ?? []), d]);
  return [...out];
}

export async function runEnrich(config: Config, paths: Paths): Promise<EnrichResult> {
  const t0 = performance.now();
  const staging = join(paths.staging, "enrich");
  clearStaging(staging);
  guardKeyChange(join(paths.data, "state"));
  // The memory limit and spill folder come from the duckdb: config (applyDuckDbConfig); one month is held at a time.
  const db = await openDb(":memory:", { threads: "2", preserve_insertion_order: "false" });
  const result: EnrichResult = {
    rowsIn: 0, rowsOut: 0, outputs: [], seconds: 0, entities: [], pii: {}, optedOutCalls: 0, analysedCalls: 0, classifier: null,
    days: { analysed: 0, unchanged: 0, removed: 0, full: false },
  };
  const totals = new Map(ENRICHED.map((e) => [e.name, { name: e.name, rows: 0, partitions: 0, removed: 0 }]));
  let classifier: TopicClassifier | null = null;
  try {
    const analysis = analysisVersion(config);
    const plan = await planRun(db, config, paths, readState(paths.data), analysis);
    const state: EnrichState = { version: 1, analysis, days: { ...plan.kept } };
    result.days = { analysed: plan.analyse.length, unchanged: Object.keys(plan.kept).length, removed: plan.gone.length, full: plan.full };
    for (const e of ENRICHED) totals.get(e.name)!.removed += removePartitions(join(paths.enriched, e.name), plan.gone, staging).length;
    log.debug({ seconds: (performance.now() - t0) / 1000, analyse: plan.analyse.length, kept: result.days.unchanged, gone: plan.gone.length, full: plan.full }, "enrich: planned");
    if (plan.analyse.length) {
      await writeDigest(db, config, paths.raw, plan.digest);
      const contacts = await loadContacts(db, contactsRelation(paths.raw, plan.full ? null : plan.analyse), config.privacy.optOut.field);
      classifier = await trainFromExamples(db, config);
      if (classifier) result.classifier = `${classifier.topics.length} topics from ${config.text.topics.examplesFile}`;
      const ctx = newContext(config, contacts, classifier);
      const timing = { read: 0, analyse: 0 };
      const timed: Timed = async (key, f) => {
        const t = performance.now();
        try { return await f(); } finally { timing[key] += (performance.now() - t) / 1000; }
      };
      log.debug({ seconds: (performance.now() - t0) / 1000 }, "enrich: contacts loaded");
      const batches = byMonth(plan.analyse);
      // One status line per month analysed (or the days of it that changed); a bar with ETA on a terminal.
      const work = steps("enrich", batches.length, "month");
      for (const [month, days] of batches) {
        const tm = performance.now();
        work.start(month);
        const w = await openWriters(db);
        const read = await analyseDays(db, ctx, paths.raw, days, w, result, timed);
        result.rowsIn += read;
        const daySet = new Set(days);
        let rows = 0;
        for (const writer of Object.values(w) as EntityWriter<Record<string, unknown>>[]) {
          const n = writer.rows;
          const p = await writer.publish(staging, paths.enriched, daySet);
          const t = totals.get(writer.entity.name)!;
          t.rows += n; t.partitions += p.partitions; t.removed += p.removed.length;
          rows += n;
        }
        result.rowsOut += rows;
        for (const d of days) {
          const outputs = Object.fromEntries(ENRICHED.flatMap((e) => { const f = dayPrint(join(paths.enriched, e.name), d); return f === undefined ? [] : [[e.name, f]]; }));
          state.days[d] = { inputs: plan.inputs.get(d)!, outputs, contacts: plan.contacts };
        }
        writeState(paths.data, state);
        const all = [...plan.inputs.keys()].filter((d) => d.startsWith(month)).length;
        work.done(`month ${month}${days.length < all ? ` (${days.length} of ${all} days)` : ""}`, { rows: read, seconds: (performance.now() - tm) / 1000 });
      }
      work.stop();
      log.debug({ seconds: (performance.now() - t0) / 1000, ...timing }, "enrich: texts analysed");
      result.pii = ctx.piiByType;
    }
    if (Object.keys(state.days).length) await writeDigest(db, config, paths.raw, plan.digest);
    writeState(paths.data, state);
    pruneDigests(stateDir(paths.data), new Set(Object.keys(state.days).length ? [plan.digest] : []));
  } finally {
    classifier?.dispose();
    db.close();
  }
  clearStaging(staging);
  result.entities = [...totals.values()];
  result.outputs = ENRICHED.map((e) => join(paths.enriched, e.name));
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
