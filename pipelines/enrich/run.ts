/**
 * The enrich stage: reads the raw text entities (messages, call transcripts and summaries, survey
 * comments) month by month, redacts PII before anything else touches the text, honours opt-outs,
 * computes sentiment, topics, conversation metrics, summaries and terms, and writes the enriched
 * entities (pipelines/enrich/entities.ts) to data/lake/enriched/<name>/date=…/, published
 * atomically per partition. It reads data/lake/raw and writes data/lake/enriched only.
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
import { trainClassifier, type TopicClassifier } from "../../models/text/classifier.ts";
import { redactText } from "../privacy/redact.ts";
import { enrichCalls, RawCalls, RawTurns } from "./calls.ts";
import { newContext } from "./context.ts";
import { ENRICHED, type CallText, type MessageText, type SurveyComment, type TextTerm, type TranscriptTurn } from "../catalog/enriched.ts";
import { enrichMessages, enrichSurveys, RawMessages, RawSurveys } from "./messages.ts";
import { columns, monthRelation, monthsOf } from "./read.ts";
import { EntityWriter } from "./write.ts";

const SQL = join(import.meta.dirname, "sql");
const entity = (name: string) => ENRICHED.find((e) => e.name === name)!;
const DIALOGUE = 'STRUCT(content VARCHAR, start DOUBLE, "end" DOUBLE, identifier VARCHAR, userId VARCHAR)[]';

export type EnrichResult = {
  rowsIn: number; rowsOut: number; outputs: string[]; seconds: number;
  entities: { name: string; rows: number; partitions: number; removed: number }[];
  pii: Record<string, number>; optedOutCalls: number; analysedCalls: number; classifier: string | null;
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
  return trainClassifier(examples, { epochs: config.text.topics.epochs, seed: config.text.topics.seed });
}

export async function runEnrich(config: Config, paths: Paths): Promise<EnrichResult> {
  const t0 = performance.now();
  const staging = join(paths.staging, "enrich");
  clearStaging(staging);
  guardKeyChange(join(paths.data, "state"));
  const db = await openDb(":memory:", { threads: "2", temp_directory: join(staging, "spill") });
  const result: EnrichResult = { rowsIn: 0, rowsOut: 0, outputs: [], seconds: 0, entities: [], pii: {}, optedOutCalls: 0, analysedCalls: 0, classifier: null };
  let classifier: TopicClassifier | null = null;
  try {
    const contacts = await loadContacts(db, sourceRelation(paths.raw, "contacts"), config.privacy.optOut.field);
    classifier = await trainFromExamples(db, config);
    if (classifier) result.classifier = `${classifier.topics.length} topics from ${config.text.topics.examplesFile}`;
    const ctx = newContext(config, contacts, classifier);
    const w = {
      messages: await EntityWriter.open<MessageText>(db, entity("message_texts")), turns: await EntityWriter.open<TranscriptTurn>(db, entity("transcript_turns")),
      calls: await EntityWriter.open<CallText>(db, entity("call_texts")), surveys: await EntityWriter.open<SurveyComment>(db, entity("survey_comments")),
      // Millions of small, generated rows: their shape is fixed by textTerms, so zod checks are skipped here.
      terms: await EntityWriter.open<TextTerm>(db, entity("text_terms"), false),
    };
    const timing = { read: 0, analyse: 0 };
    const timed = async <T>(key: keyof typeof timing, f: () => T | Promise<T>): Promise<T> => {
      const t = performance.now();
      try { return await f(); } finally { timing[key] += (performance.now() - t) / 1000; }
    };
    log.debug({ seconds: (performance.now() - t0) / 1000 }, "enrich: contacts loaded");
    const months = monthsOf(paths.raw, ["messages", "call_summaries", "call_transcripts", "survey_responses"]);
    // One status line per month analysed; a bar with ETA on a terminal.
    const work = steps("enrich", months.length, "month");
    for (const month of months) {
      const tm = performance.now();
      const rowsBefore = result.rowsIn;
      work.start(month);
      const src = (entity: string, empty: string) => monthRelation(paths.raw, entity, month, empty);
      const messages = await timed("read", () => columns(db, sqlTemplate(join(SQL, "messages.sql"), {
        messages: src("messages", "NULL::VARCHAR AS id, NULL::VARCHAR AS direction, NULL::VARCHAR AS text, NULL::VARCHAR AS \"from\", NULL::VARCHAR[] AS \"to\""),
      }), RawMessages));
      result.rowsIn += (await timed("analyse", () => enrichMessages(ctx, messages, w.messages, w.terms))).read;
      const transcripts = src("call_transcripts", `NULL::VARCHAR AS callId, NULL::${DIALOGUE} AS dialogue`);
      const calls = await timed("read", () => columns(db, sqlTemplate(join(SQL, "calls.sql"), {
        summaries: src("call_summaries", "NULL::VARCHAR AS callId, NULL::VARCHAR[] AS summary, NULL::VARCHAR[] AS nextSteps"),
        transcripts, calls: src("calls", "NULL::VARCHAR AS id, NULL::VARCHAR[] AS participants"),
      }), RawCalls));
      const turns = await timed("read", () => columns(db, sqlTemplate(join(SQL, "turns.sql"), { transcripts }), RawTurns));
      const r = await timed("analyse", () => enrichCalls(ctx, calls, turns, w));
      result.rowsIn += r.read;
      result.optedOutCalls += r.optedOut;
      result.analysedCalls += r.analysed;
      const surveys = await timed("read", () => columns(db, sqlTemplate(join(SQL, "surveys.sql"), {
        surveys: src("survey_responses", "NULL::VARCHAR AS id, NULL::VARCHAR AS comment, NULL::VARCHAR AS contactId"),
      }), RawSurveys));
      result.rowsIn += (await timed("analyse", () => enrichSurveys(ctx, surveys, w.surveys, w.terms))).read;
      work.done(`month ${month}`, { rows: result.rowsIn - rowsBefore, seconds: (performance.now() - tm) / 1000 });
    }
    work.stop();
    log.debug({ seconds: (performance.now() - t0) / 1000, ...timing }, "enrich: texts analysed");
    for (const writer of [w.messages, w.turns, w.calls, w.surveys, w.terms] as unknown as EntityWriter<Record<string, unknown>>[]) {
      const n = writer.rows;
      const p = await writer.publish(staging, paths.enriched, true);
      result.entities.push({ name: writer.entity.name, rows: n, partitions: p.partitions, removed: p.removed.length });
      result.rowsOut += n;
      result.outputs.push(p.dir);
      log.debug({ entity: writer.entity.name, seconds: (performance.now() - t0) / 1000 }, "enrich: published");
    }
    result.pii = ctx.piiByType;
  } finally {
    classifier?.dispose();
    db.close();
  }
  clearStaging(staging);
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
