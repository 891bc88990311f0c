/**
 * Redaction precision and recall per PII type on a labelled corpus. A labelled value counts as
 * found (true positive) when a span of its type covers it exactly, modulo surrounding spaces and
 * punctuation; any other span of that type is a false positive; a value with no such span is a
 * false negative (missed).
 */
import { PII_TYPES, type PiiType } from "./config.ts";
import { findPii } from "./redact.ts";

export type LabelledText = { text: string; pii: { type: PiiType; value: string }[] };
export type TypeScore = { type: PiiType; tp: number; fp: number; fn: number; precision: number; recall: number };

export function scoreRedaction(corpus: LabelledText[], region = "US"): TypeScore[] {
  const acc = new Map<PiiType, { tp: number; fp: number; fn: number }>(PII_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  for (const { text, pii } of corpus) {
    const spans = findPii(text, { region });
    const used = new Set<number>();
    for (const p of pii) {
      const at = text.indexOf(p.value);
      const i = spans.findIndex((s, k) => !used.has(k) && s.type === p.type && at >= 0 &&
        text.slice(s.start, s.end).replace(/^[\s.,;:]+|[\s.,;:]+$/g, "") === p.value.replace(/^[\s.,;:]+|[\s.,;:]+$/g, ""));
      if (i >= 0) { used.add(i); acc.get(p.type)!.tp++; } else acc.get(p.type)!.fn++;
    }
    spans.forEach((s, k) => { if (!used.has(k)) acc.get(s.type)!.fp++; });
  }
  return PII_TYPES.map((type) => {
    const a = acc.get(type)!;
    return { type, ...a, precision: a.tp + a.fp ? a.tp / (a.tp + a.fp) : 1, recall: a.tp + a.fn ? a.tp / (a.tp + a.fn) : 1 };
  });
}
