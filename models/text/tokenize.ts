/** Splitting redacted text into sentences, words and n-grams, shared by every text analysis. */

/** Sentences: split after . ! ? followed by a space and an upper-case letter, digit or placeholder. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z0-9[])/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Lower-case word tokens; placeholders ([PHONE] …) are dropped, apostrophes kept inside words. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/\[[a-z_]+\]/g, " ").match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

/**
 * English function words: an n-gram made of these only says nothing about what happened. Short on
 * purpose: "not", "no", "still", "again" stay, because "still not", "again" are what irritation sounds like.
 */
export const STOPWORDS = new Set(
  ("a an the and or of to in on at for from by with about as is are was were be been being am i me my mine we us our " +
   "you your yours he him his she her it its they them their this that these those there here what which who whom " +
   "do does did doing have has had having will would shall should can could may might must just so very too " +
   "if then than but because while when where how why all any both each few more most other some such only own same " +
   "into over under again once up down out off s t don't i'm it's that's you're we're i've i'll can't didn't " +
   "hi hello hey okay ok yes yeah please thanks thank sure one").split(" "),
);
// "again", "not", "no", "still", "too", "can't" carry the irritation (and objections) a term test should see.
for (const keep of ["again", "not", "no", "still", "too", "can't", "didn't", "won't", "never"]) STOPWORDS.delete(keep);

/**
 * Distinct terms of a text: words and two- and three-word phrases that neither start nor end
 * with a stopword and hold a letter. A text counts once per term (document frequency), so one
 * long rant cannot make a term emerge on its own.
 */
export function terms(text: string, maxN = 3): Set<string> {
  const ws = words(text);
  const out = new Set<string>();
  for (let i = 0; i < ws.length; i++) {
    for (let n = 1; n <= maxN && i + n <= ws.length; n++) {
      const first = ws[i]!, last = ws[i + n - 1]!;
      if (STOPWORDS.has(first) || STOPWORDS.has(last)) continue;
      const gram = ws.slice(i, i + n);
      if (!gram.some((w) => /[a-z]/.test(w)) || (n === 1 && first.length < 3)) continue;
      out.add(gram.join(" "));
    }
  }
  return out;
}
