/**
 * Terms of the customers' own words, for emerging topics and recurring phrases: each customer
 * text (an inbound message, a call's customer turns, a survey comment) gives its distinct terms
 * (words and 2-3 word phrases, see tokenize.ts), once under the theme "all" and once more under
 * each theme of the sentences they occur in: "irritant" (a negative sentence), "objection" and
 * "feedback" (sentences holding one of the configured cue phrases).
 */
import type { TextConfig } from "./config.ts";
import { labelOf, sentimentScore, type Thresholds } from "./sentiment.ts";
import { sentences, terms } from "./tokenize.ts";

export type Theme = "all" | "irritant" | "objection" | "feedback";
export type TermRow = { term: string; theme: Theme; words: number };

export function themesOf(sentence: string, cues: TextConfig["themes"], t: Thresholds): Theme[] {
  const lower = sentence.toLowerCase();
  const out: Theme[] = [];
  if (labelOf(sentimentScore(sentence), t) === "negative") out.push("irritant");
  if (cues.objection.some((c) => containsCue(lower, c))) out.push("objection");
  if (cues.feedback.some((c) => containsCue(lower, c))) out.push("feedback");
  return out;
}

/** A cue as whole words ("app" in "app crashes", not in "happy"). */
function containsCue(lower: string, cue: string): boolean {
  let at = lower.indexOf(cue);
  while (at >= 0) {
    const before = at === 0 ? " " : lower[at - 1]!;
    const after = lower[at + cue.length] ?? " ";
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    at = lower.indexOf(cue, at + 1);
  }
  return false;
}

/** The distinct (term, theme) pairs of one customer text. */
export function textTerms(text: string, cues: TextConfig["themes"], t: Thresholds): TermRow[] {
  const seen = new Set<string>();
  const out: TermRow[] = [];
  const add = (term: string, theme: Theme) => {
    const key = `${theme}\u0000${term}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ term, theme, words: term.split(" ").length });
  };
  for (const s of sentences(text)) {
    const themes = themesOf(s, cues, t);
    for (const term of terms(s)) {
      add(term, "all");
      for (const th of themes) add(term, th);
    }
  }
  return out;
}
