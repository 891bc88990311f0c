/**
 * `npm run bench text`: the text stage's measured figures.
 * - Redaction precision and recall per PII type: on the labelled corpus of test/privacy/corpus.ts
 *   (the generator's own phone/e-mail/card makers, hand-written IBANs and national ids, hard
 *   negatives), and on a generated small demo (planted PII as the truth: every planted value in an
 *   analysed text must become its placeholder, and every placeholder must stand for a planted value).
 * - The enrich stage's wall time on that small demo (2 years, ≈ 70k texts).
 * - Sentiment macro-F1 on ../shared/datasets/twitter-airline-sentiment against VADER (the
 *   vader-sentiment package, its ±0.05 thresholds) and AFINN-165 (the sentiment package, score
 *   sign), on the same rows: our thresholds were tuned on the even rows, all three are scored on
 *   the odd rows (and, for reference, on all rows).
 * - BANKING77 accuracy of the TensorFlow.js classifier: trained on train.csv, scored on test.csv.
 * Parts needing ../shared say why they are skipped when it is absent.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench, BenchFigure } from "./index.ts";
import { accuracyOf, macroF1 } from "../../models/text/evaluate.ts";
import { trainClassifier } from "../../models/text/classifier.ts";
import { labelOf, sentimentScore } from "../../models/text/sentiment.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lit, openDb, rows, type Db } from "../../pipelines/core/duckdb.ts";
import { readLedger, summariseRuns } from "../../pipelines/core/ledger.ts";
import { scoreRedaction } from "../../pipelines/privacy/evaluate.ts";
import { buildCorpus } from "../privacy/corpus.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared", "datasets");
const TWEETS = join(SHARED, "twitter-airline-sentiment", "Tweets.csv");
const BANKING = join(SHARED, "banking77");
const pct = (x: number) => Number((100 * x).toFixed(1));
const skip = (part: string, why: string): BenchFigure[] => [{ name: `${part}: skipped`, value: 0, unit: "", note: why }];

function corpusFigures(): BenchFigure[] {
  const corpus = buildCorpus();
  return scoreRedaction(corpus).flatMap((s) => [
    { name: `redaction corpus ${s.type}: precision`, value: pct(s.precision), unit: "%", note: `${s.tp} found, ${s.fp} false alarms` },
    { name: `redaction corpus ${s.type}: recall`, value: pct(s.recall), unit: "%", note: `${s.fn} missed of ${s.tp + s.fn}` },
  ]);
}

const PLACEHOLDER: Record<string, string> = { phone: "[PHONE]", email: "[EMAIL]", card: "[CARD]" };

/** A small demo through enrich; planted PII against the placeholders in the enriched texts. */
async function demoFigures(): Promise<BenchFigure[]> {
  const data = mkdtempSync(join(tmpdir(), "bench-text-"));
  const { main } = await import("../../pipelines/app/cli.ts");
  for (const args of [["generate", "--scale", "small"], ["extract"], ["enrich"]]) {
    if (await main(["node", "commsight", "--data", data, ...args]) !== 0) throw new Error(`${args[0]} failed`);
  }
  const [run] = summariseRuns(readLedger(join(data, "runs", "ledger.jsonl")));
  const enrich = run!.stages.find((s) => s.stage === "enrich")!;
  const planted: { kind: string; value: string; entity: string; recordId: string }[] =
    JSON.parse(readFileSync(join(data, "sources", "demo", "manifest.json"), "utf8")).truths.pii.values;
  const db = await openDb();
  try {
    const e = (name: string) => lit(join(data, "lake", "enriched", name) + "/*/*.parquet");
    const texts = await rows<{ id: string; text: string }>(db, `
      SELECT message_id AS id, text FROM read_parquet(${e("message_texts")})
      UNION ALL SELECT call_id, string_agg(text, ' ' ORDER BY turn) FROM read_parquet(${e("transcript_turns")}) GROUP BY call_id`);
    const byId = new Map(texts.map((t) => [t.id, t.text]));
    const out: BenchFigure[] = [{ name: "enrich stage, small demo (2 years)", value: Number((enrich.seconds ?? 0).toFixed(1)), unit: "s", note: `${enrich.rowsIn} raw texts in, ${enrich.rowsOut} enriched rows out` }];
    for (const kind of ["phone", "email", "card"]) {
      const mine = planted.filter((p) => p.kind === kind && byId.has(p.recordId));
      const found = mine.filter((p) => !byId.get(p.recordId)!.includes(p.value) && byId.get(p.recordId)!.includes(PLACEHOLDER[kind]!)).length;
      const placeholders = await placeholderCount(db, data, PLACEHOLDER[kind]!);
      out.push(
        { name: `redaction demo ${kind}: recall`, value: pct(found / Math.max(1, mine.length)), unit: "%", note: `${found} of ${mine.length} planted in analysed texts` },
        { name: `redaction demo ${kind}: precision`, value: pct(Math.min(found, placeholders) / Math.max(1, placeholders)), unit: "%", note: `${placeholders} placeholders written` },
      );
    }
    return out;
  } finally {
    db.close();
  }
}

async function placeholderCount(db: Db, data: string, placeholder: string): Promise<number> {
  const p = lit(placeholder.replace(/[[\]]/g, "\\$&"));
  let n = 0;
  for (const [entity, col] of [["message_texts", "text"], ["transcript_turns", "text"], ["survey_comments", "comment"]] as const) {
    const dir = join(data, "lake", "enriched", entity);
    if (!existsSync(dir)) continue;
    const [r] = await rows<{ n: number }>(db, `SELECT coalesce(sum(len(regexp_extract_all(${col}, ${p}))), 0)::BIGINT AS n FROM read_parquet(${lit(dir + "/*/*.parquet")})`);
    n += r!.n;
  }
  return n;
}

type Polarity = { SentimentIntensityAnalyzer: { polarity_scores(t: string): { compound: number } } };

async function sentimentFigures(): Promise<BenchFigure[]> {
  if (!existsSync(TWEETS)) return skip("sentiment", `${TWEETS} is absent`);
  const require = createRequire(import.meta.url);
  const vader = require("vader-sentiment") as Polarity;
  const Afinn = require("sentiment") as new () => { analyze(t: string): { score: number } };
  const afinn = new Afinn();
  const db = await openDb();
  const all = await rows<{ text: string; label: string }>(db, `SELECT text, airline_sentiment AS label FROM read_csv(${lit(TWEETS)}, header = true, all_varchar = true)`).finally(() => db.close());
  const t = parseConfig({}).text.sentiment;
  const labels = ["negative", "neutral", "positive"];
  const sign = (x: number, eps: number) => (x > eps ? "positive" : x < -eps ? "negative" : "neutral");
  const methods: [string, (s: string) => string][] = [
    ["commsight", (s) => labelOf(sentimentScore(s), t)],
    ["VADER", (s) => sign(vader.SentimentIntensityAnalyzer.polarity_scores(s).compound, 0.05)],
    ["AFINN", (s) => sign(afinn.analyze(s).score, 0)],
  ];
  const out: BenchFigure[] = [];
  for (const [split, rowsOf] of [["held-out odd rows", all.filter((_, i) => i % 2 === 1)], ["all rows", all]] as const) {
    for (const [name, f] of methods) {
      out.push({ name: `sentiment macro-F1 ${name} (${split})`, value: Number(macroF1(rowsOf.map((r) => f(r.text)), rowsOf.map((r) => r.label), labels).toFixed(3)), unit: "", note: `${rowsOf.length} tweets` });
    }
  }
  return out;
}

async function bankingFigures(): Promise<BenchFigure[]> {
  if (!existsSync(join(BANKING, "train.csv"))) return skip("banking77", `${BANKING} is absent`);
  const db = await openDb();
  const read = (f: string) => rows<{ text: string; topic: string }>(db, `SELECT text, category AS topic FROM read_csv(${lit(join(BANKING, f))}, header = true)`);
  const [train, test] = await Promise.all([read("train.csv"), read("test.csv")]).finally(() => db.close());
  const t0 = performance.now();
  const clf = await trainClassifier(train, { epochs: parseConfig({}).text.topics.epochs });
  const seconds = (performance.now() - t0) / 1000;
  try {
    const acc = accuracyOf(clf.predict(test.map((r) => r.text)).map((p) => p.topic), test.map((r) => r.topic));
    return [
      { name: "banking77 accuracy (tfjs classifier)", value: pct(acc), unit: "%", note: `${train.length} train, ${test.length} test, ${clf.topics.length} intents` },
      { name: "banking77 training time", value: Number(seconds.toFixed(1)), unit: "s" },
    ];
  } finally {
    clf.dispose();
  }
}

const bench: Bench = {
  title: "Text intelligence and privacy: redaction, enrich time, sentiment, intents",
  async run() {
    return [...corpusFigures(), ...(await demoFigures()), ...(await sentimentFigures()), ...(await bankingFigures())];
  },
};
export default bench;
