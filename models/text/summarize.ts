/**
 * Extractive summaries, for calls the phone system did not summarise: the transcript's most
 * central sentences, kept in their spoken order. A sentence's centrality is the sum over its
 * content words of log(1 + the number of the call's sentences holding the word), divided by √(its
 * content words) so long sentences gain only a little: sentences that repeat what the call is
 * about score high, greetings and filler low. The first customer sentence that names
 * the problem is always considered, as callers state their reason early.
 */
import { sentences, STOPWORDS, words } from "./tokenize.ts";

export type Utterance = { speaker: "agent" | "customer"; text: string };

/** Up to `maxSentences` sentences of the (already redacted) transcript, as one text. */
export function extractiveSummary(turns: readonly Utterance[], maxSentences = 3): string {
  const all = turns.flatMap((t, ti) => sentences(t.text).map((s, si) => ({ s, speaker: t.speaker, order: ti * 1000 + si })));
  if (all.length === 0) return "";
  const freq = new Map<string, number>();
  const content = (s: string) => words(s).filter((w) => !STOPWORDS.has(w) && w.length > 2);
  for (const x of all) for (const w of new Set(content(x.s))) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = all.map((x) => {
    const ws = content(x.s);
    const score = ws.length ? ws.reduce((a, w) => a + Math.log1p(freq.get(w)!), 0) / Math.sqrt(ws.length) : 0;
    return { ...x, score };
  });
  const firstCustomer = scored.find((x) => x.speaker === "customer" && content(x.s).length >= 2);
  const chosen = new Set(scored.slice().sort((a, b) => b.score - a.score || a.order - b.order).slice(0, maxSentences));
  if (firstCustomer && !chosen.has(firstCustomer)) {
    const weakest = [...chosen].sort((a, b) => a.score - b.score)[0];
    if (weakest) chosen.delete(weakest);
    chosen.add(firstCustomer);
  }
  return [...chosen].sort((a, b) => a.order - b.order).map((x) => (x.speaker === "customer" ? `Customer: ${x.s}` : `Agent: ${x.s}`)).join(" ");
}
