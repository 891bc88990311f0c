/**
 * Why a contact is likely to buy, in plain words: for the linear model, weight × standardised value
 * is a feature's contribution to the log-odds against the average training contact; a column's
 * contribution sums its features. The reason is the column raising the odds most, only on the side
 * that reads as a reason (more positive conversations, not "0 questions").
 */
import type { Frame, Preprocessor } from "../churn/prep.ts";

export const NO_REASON = "no engagement signal above the average contact";

type Words = { high: boolean; text: (v: number) => string };
const n = (v: number, one: string, many: string) => `${Math.round(v)} ${Math.round(v) === 1 ? one : many}`;
const recent = (one: string, many: string): Words => ({ high: true, text: (v) => `${n(v, one, many)} in the last 14 days` });

export const WORDS: Record<string, Words> = {
  contacts_14d: recent("call or text from them", "calls or texts from them"),
  sales_contacts_14d: recent("conversation with Sales", "conversations with Sales"),
  sales_topics_14d: recent("question about pricing or an order", "questions about pricing or orders"),
  sales_topics_90d: { high: true, text: (v) => `${n(v, "question", "questions")} about pricing or orders in 90 days` },
  positive_14d: recent("conversation that ended on a positive note", "conversations that ended on a positive note"),
  positive_sales_14d: recent("pleased conversation about pricing or an order", "pleased conversations about pricing or orders"),
  sentiment_14d: { high: true, text: (v) => `positive tone lately (${v.toFixed(2)} on −1…1)` },
  sentiment_trend: { high: true, text: (v) => `tone improving (+${v.toFixed(2)} against 90 days)` },
  questions_14d: recent("question asked on calls", "questions asked on calls"),
  bought_before: { high: true, text: () => "bought before" },
};

export function reasons(kernel: ArrayLike<number>, prep: Preprocessor, frame: Frame, rows: Int32Array, x: Float32Array): string[] {
  const p = prep.features.length;
  const sources = [...new Set(prep.features.map((f) => f.source))];
  const col = prep.features.map((f) => sources.indexOf(f.source));
  const mean = new Map<string, number>();
  for (const c of prep.columns) {
    if (c.kind !== "numeric") continue;
    const m = prep.mean[prep.features.findIndex((f) => f.source === c.name)]!;
    mean.set(c.name, !c.raw && c.log1p ? Math.expm1(m) : m);
  }
  return Array.from(rows, (i, r) => {
    const contrib = new Float64Array(sources.length);
    for (let j = 0; j < p; j++) contrib[col[j]!]! += kernel[j]! * x[r * p + j]!;
    let best = -1;
    for (let s = 0; s < sources.length; s++) {
      const name = sources[s]!;
      const w = WORDS[name];
      if (!w || !(contrib[s]! > 0) || (best >= 0 && contrib[s]! <= contrib[best]!)) continue;
      const v = frame.numeric.get(name)?.[i];
      if (v === undefined || !Number.isFinite(v) || v <= 0 || (w.high && v <= mean.get(name)!)) continue;
      best = s;
    }
    if (best < 0) return NO_REASON;
    const name = sources[best]!;
    return WORDS[name]!.text(frame.numeric.get(name)![i]!);
  });
}
