/** The TensorFlow.js topic classifier: trains on labelled examples, and the enrich stage trusts it only when confident. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accuracy, featurise, trainClassifier, type TopicClassifier } from "../../models/text/classifier.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { newContext, pickTopics } from "../../pipelines/enrich/context.ts";

async function fixture(): Promise<{ split: string; text: string; topic: string }[]> {
  const db = await openDb();
  try {
    return await rows(db, `SELECT split, text, topic FROM read_csv('${join(projectRoot, "test", "fixtures", "banking77-sample.csv")}', header = true)`);
  } finally {
    db.close();
  }
}

describe("topic classifier", () => {
  it("hashes unigrams and bigrams into a padded id matrix", () => {
    const f = featurise(["card arrived", ""], 1024, 4);
    expect(f.ids.length).toBe(8);
    expect([...f.ids.slice(0, 3)].every((id) => id > 0 && id < 1024)).toBe(true); // card, arrived, card_arrived
    expect(f.ids[3]).toBe(0);
    expect(f.counts[0]).toBe(3);
    expect(f.counts[1]).toBe(1);
  });

  it("learns banking intents from a small labelled sample (BANKING77, CC BY 4.0) and predicts held-out ones", async () => {
    const data = await fixture();
    const train = data.filter((d) => d.split === "train");
    const test = data.filter((d) => d.split === "test");
    const clf = await trainClassifier(train, { epochs: 15, seed: 3 });
    try {
      expect(clf.topics).toHaveLength(7);
      expect(accuracy(clf, test)).toBeGreaterThan(0.8);
      const [p] = clf.predict(["I lost my card, someone may have stolen it"]);
      expect(p!.topic).toBe("lost_or_stolen_card");
      expect(p!.confidence).toBeGreaterThan(0.3);
    } finally {
      clf.dispose();
    }
  }, 60_000);

  it("the enrich stage takes the classifier's topic when confident, else the keyword taxonomy's", () => {
    const stub: TopicClassifier = {
      topics: ["outage", "pricing"],
      predict: (texts) => texts.map((t) => (t.includes("sure") ? { topic: "outage", confidence: 0.95 } : { topic: "pricing", confidence: 0.2 })),
      dispose() {},
    };
    const ctx = newContext(parseConfig({ text: { topics: { minConfidence: 0.6 } } }), { byPhone: new Map(), byId: new Map() }, stub);
    const [a, b] = pickTopics(ctx, ["I am sure the internet is gone", "my password reset link"]);
    expect(a).toEqual({ topic: "outage", topic_source: "classifier", classifier_topic: "outage", classifier_confidence: 0.95 });
    expect(b).toMatchObject({ topic: "login", topic_source: "keywords", classifier_topic: "pricing" });
  });
});
