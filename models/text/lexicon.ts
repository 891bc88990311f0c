/**
 * The sentiment lexicon: VADER's (Hutto & Gilbert 2014, from the `vader-sentiment` package) and
 * AFINN-165 (from the `sentiment` package) averaged where both rate a word (AFINN's −5…5 scaled to
 * VADER's −4…4), plus a customer-service lexicon of our own: the irritants of a support line
 * ("on hold", "still waiting", "not working") that general-purpose lexicons score as neutral.
 * Read from the installed packages' files, offline.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

export function vaderLexicon(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(packageFile("vader-sentiment", "vader_lexicon.txt"), "utf8").split("\n")) {
    const [word, valence] = line.split("\t");
    if (word && valence) out.set(word, Number(valence));
  }
  return out;
}

export function afinnLexicon(): Map<string, number> {
  return new Map(Object.entries(JSON.parse(readFileSync(packageFile("sentiment", "languages/en/labels.json"), "utf8")) as Record<string, number>));
}

/** Customer-service words: what a caller says when things go wrong, in VADER's −4…4 scale. */
export const SERVICE_WORDS: Record<string, number> = {
  delayed: -1.5, delay: -1.2, delays: -1.2, cancelled: -1.3, canceled: -1.3, waiting: -1, stuck: -1.6,
  unhelpful: -2, broken: -1.5, overcharged: -2, nobody: -1.2, hours: -0.6, hrs: -0.6, still: -0.5, again: -0.4,
  lost: -1.5, missed: -1.2, rebook: -0.5, hold: -0.8, late: -1, worst: -3.1, error: -1.2, issue: -0.8, issues: -0.8,
  problem: -1.2, problems: -1.2, fail: -2, failed: -2, never: -0.6,
};

/** Multi-word service phrases; a phrase's value replaces its first word's. */
export const SERVICE_PHRASES: Record<string, number> = {
  "on hold": -1.6, "not working": -1.6, "doesnt work": -1.6, "still not fixed": -2.5, "no response": -1.6,
  "no answer": -1.3, "hung up": -1.5, "third time": -1.3, "no one": -1.3, "been waiting": -1.6, "still waiting": -2,
  "charged twice": -1.8, "locked out": -1.3, "cant log": -1.2, "customer service": 0, "thank you": 1.8, thanks: 1.6,
};

export type Lexicon = { words: Map<string, number>; phrases: Map<string, { words: string[]; value: number }[]> };

let cached: Lexicon | undefined;

/** The merged lexicon (built once per process). */
export function lexicon(): Lexicon {
  if (cached) return cached;
  const vader = vaderLexicon();
  const afinn = afinnLexicon();
  const words = new Map<string, number>();
  for (const w of new Set([...vader.keys(), ...afinn.keys()])) {
    const vals = [vader.get(w), afinn.has(w) ? afinn.get(w)! * 0.8 : undefined].filter((v): v is number => v !== undefined);
    words.set(w, vals.reduce((a, b) => a + b, 0) / vals.length);
  }
  for (const [w, v] of Object.entries(SERVICE_WORDS)) words.set(w, v);
  const phrases = new Map<string, { words: string[]; value: number }[]>();
  for (const [p, value] of Object.entries(SERVICE_PHRASES)) {
    const ws = p.split(" ");
    if (ws.length === 1) { words.set(p, value); continue; }
    const list = phrases.get(ws[0]!) ?? [];
    list.push({ words: ws, value });
    phrases.set(ws[0]!, list);
  }
  cached = { words, phrases };
  return cached;
}
