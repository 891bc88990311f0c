/** Sentiment: polarity, VADER's rules, the service lexicon, labels by threshold. */
import { describe, expect, it } from "vitest";
import { labelOf, sentiment, sentimentScore } from "../../models/text/sentiment.ts";

const T = { negativeBelow: 0, positiveAbove: 0.4 };

describe("sentiment", () => {
  it("scores clear positives and negatives, and plain statements as neutral", () => {
    expect(sentiment("Thanks so much, that was a great help!", T).label).toBe("positive");
    expect(sentiment("This is terrible, it's still not fixed.", T).label).toBe("negative");
    expect(sentiment("Can you confirm the name on the account?", T).label).toBe("neutral");
    expect(sentimentScore("")).toBe(0);
  });

  it("negation flips, boosters and capitals strengthen, 'but' shifts weight to what follows", () => {
    expect(sentimentScore("not good")).toBeLessThan(0);
    expect(sentimentScore("very good")).toBeGreaterThan(sentimentScore("good"));
    expect(sentimentScore("it was GOOD today")).toBeGreaterThan(sentimentScore("it was good today"));
    expect(sentimentScore("good!!!")).toBeGreaterThan(sentimentScore("good"));
    expect(sentimentScore("the agent was nice but the problem is still not fixed")).toBeLessThan(0);
  });

  it("knows the irritants of a support line that general lexicons miss", () => {
    expect(sentimentScore("I have been on hold for an hour")).toBeLessThan(0);
    expect(sentimentScore("the app is not working at all")).toBeLessThan(0);
    expect(sentimentScore("still waiting for the refund")).toBeLessThan(0);
  });

  it("ignores redaction placeholders and labels by the configured thresholds", () => {
    expect(sentimentScore("My card is [CARD] and my email [EMAIL].")).toBe(0);
    expect(labelOf(0.3, T)).toBe("neutral");
    expect(labelOf(0.3, { negativeBelow: -0.05, positiveAbove: 0.05 })).toBe("positive");
    expect(labelOf(-0.01, T)).toBe("negative");
  });
});
