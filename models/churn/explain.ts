/**
 * Why a contact is at risk, in plain words, computed for the model served. Each source column gets
 * a contribution to the contact's log-odds:
 *   linear model — weight × standardised value, summed over the column's features: exact, relative
 *                  to the average training contact;
 *   any other    — a sampling Shapley estimate (Štrumbelj & Kononenko's permutation sampling, the
 *                  interventional form of SHAP): for random orders of the columns and random
 *                  background contacts from the training rows (each order paired with its reverse,
 *                  which cancels much of the sampling noise), the change in the model's log-odds
 *                  when the column switches from the background's value to the contact's, averaged.
 *                  It is computed on the served model itself (an MLP, trees or a blend), so an
 *                  interaction is credited to the columns that take part in it, and the
 *                  contributions add up to the contact's log-odds minus the background's mean.
 * The top factor is the column contributing most to raising the risk — and only in the direction
 * that reads as a reason (more missed calls, a lower NPS, a shorter tenure), so a column that merely
 * lowers risk less than average is never offered as a reason. Contacts with no such column get
 * NO_FACTOR.
 */
import { mulberry32, permutation } from "../shared/rng.ts";
import { predictFrame, type Fitted } from "./candidates.ts";
import { logit } from "./evaluate.ts";
import { designMatrix, type Frame, type Preprocessor } from "./prep.ts";

export const NO_FACTOR = "no risk factor above the average contact";

type Words = { risk: "high" | "low"; text: (v: number) => string };

const n = (v: number, one: string, many: string) => `${Math.round(v)} ${Math.round(v) === 1 ? one : many}`;
const count = (one: string, many: string, days: number): Words => ({ risk: "high", text: (v) => `${n(v, one, many)} in the last ${days} days` });

/** Plain words for the contact_features columns; unknown columns get generic words. */
export const WORDS: Record<string, Words> = {
  tenure_days: { risk: "low", text: (v) => `customer for only ${n(v, "day", "days")}` },
  recency_days: { risk: "high", text: (v) => `no contact for ${n(v, "day", "days")}` },
  calls_14d: count("call", "calls", 14),
  calls_90d: count("call", "calls", 90),
  messages_14d: count("message", "messages", 14),
  messages_90d: count("message", "messages", 90),
  missed_14d: count("missed or abandoned call", "missed or abandoned calls", 14),
  missed_90d: count("missed or abandoned call", "missed or abandoned calls", 90),
  transfers_14d: count("transfer", "transfers", 14),
  transfers_90d: count("transfer", "transfers", 90),
  repeat_contacts_14d: count("repeat contact about an unresolved issue", "repeat contacts about an unresolved issue", 14),
  repeat_contacts_90d: count("repeat contact about an unresolved issue", "repeat contacts about an unresolved issue", 90),
  unresolved_cases_90d: count("case that took more than one contact", "cases that took more than one contact", 90),
  open_case_contacts: { risk: "high", text: (v) => `an open issue that has taken ${n(v, "contact", "contacts")} so far` },
  outbound_calls_90d: count("callback from us", "callbacks from us", 90),
  negative_texts_14d: count("call or message with negative wording", "calls or messages with negative wording", 14),
  negative_texts_90d: count("call or message with negative wording", "calls or messages with negative wording", 90),
  negative_comments_14d: count("negative survey comment", "negative survey comments", 14),
  negative_comments_90d: count("negative survey comment", "negative survey comments", 90),
  detractor_90d: count("detractor NPS response (0-6)", "detractor NPS responses (0-6)", 90),
  low_csat_90d: count("low CSAT rating (1-2)", "low CSAT ratings (1-2)", 90),
  last_nps: { risk: "low", text: (v) => `last NPS score ${v}` },
  last_csat: { risk: "low", text: (v) => `last CSAT rating ${v}` },
  survey_score_30d: { risk: "low", text: (v) => `low survey scores in the last 30 days (${Math.round(v * 100)}/100)` },
  survey_score_trend: { risk: "low", text: (v) => `survey scores falling (${Math.round(v * 100)} points vs. the year before)` },
  contacts_365d: count("contact", "contacts", 365),
};

export function describe(column: string, value: number | string): string {
  if (typeof value === "string") return column === "segment" ? `in the ${value} segment` : `${column.replaceAll("_", " ")}: ${value}`;
  const w = WORDS[column];
  return w ? w.text(value) : `${column.replaceAll("_", " ")} ${value}`;
}

/** Source columns of a fitted model (blends: of their first member, all members read the same columns). */
function prepOf(f: Fitted): Preprocessor {
  return ((f as { members?: Fitted[] }).members?.[0] ?? f).prep;
}

export type Attribution = { sources: string[]; contrib: Float64Array /* rows × sources */ };

/** Exact per-column contributions of a linear model (kernel over standardised features). */
export function linearAttribution(kernel: ArrayLike<number>, prep: Preprocessor, x: Float32Array, n: number): Attribution {
  const p = prep.features.length;
  const sources = [...new Set(prep.features.map((f) => f.source))];
  const col = prep.features.map((f) => sources.indexOf(f.source));
  const contrib = new Float64Array(n * sources.length);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) contrib[r * sources.length + col[j]!]! += kernel[j]! * x[r * p + j]!;
  return { sources, contrib };
}

export type ShapleyOptions = { seed: number; permutations: number; background: number; batchRows?: number };

/**
 * Sampling Shapley contributions to the log-odds, per row and source column, of any fitted model.
 * Cost: rows × permutations × (columns + 1) predictions, in batches.
 */
export function shapleyAttribution(f: Fitted, frame: Frame, backgroundFrom: Int32Array, rows: Int32Array, opts: ShapleyOptions): Attribution {
  const sources = [...new Set(prepOf(f).features.map((x) => x.source))];
  const C = sources.length;
  const M = opts.permutations;
  const rng = mulberry32(opts.seed ^ 0x5a9);
  const bgPerm = permutation(backgroundFrom.length, rng);
  const background = Int32Array.from(bgPerm.subarray(0, Math.min(opts.background, backgroundFrom.length)), (k) => backgroundFrom[k]!);
  const contrib = new Float64Array(rows.length * C);
  const perRow = M * (C + 1);
  const batch = Math.max(1, Math.floor((opts.batchRows ?? 65_536) / perRow));
  const numeric = sources.map((s) => frame.numeric.get(s) ?? null);
  const categorical = sources.map((s) => frame.categorical.get(s) ?? null);
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.subarray(start, Math.min(rows.length, start + batch));
    const n = chunk.length * perRow;
    const hybrid: Frame = { n, ids: [], numeric: new Map(), categorical: new Map(), label: new Float64Array(n) };
    const src = new Int32Array(n * C); // which original row each (hybrid row, column) reads
    const orders: Int32Array[] = [];
    chunk.forEach((i, r) => {
      let b = 0;
      for (let m = 0; m < M; m++) {
        // Antithetic pairs: every other order is the previous one reversed, on the same background row.
        const order = m % 2 === 1 ? orders[orders.length - 1]!.slice().reverse() : permutation(C, rng);
        orders.push(order);
        if (m % 2 === 0) b = background[Math.floor(rng() * background.length)]!;
        const base = (r * M + m) * (C + 1);
        for (let k = 0; k <= C; k++) {
          for (let c = 0; c < C; c++) src[(base + k) * C + c] = b;
          for (let q = 0; q < k; q++) src[(base + k) * C + order[q]!] = i;
        }
      }
    });
    sources.forEach((name, c) => {
      const num = numeric[c];
      if (num) hybrid.numeric.set(name, Float64Array.from({ length: n }, (_, h) => num[src[h * C + c]!]!));
      const cat = categorical[c];
      if (cat) hybrid.categorical.set(name, Array.from({ length: n }, (_, h) => cat[src[h * C + c]!] ?? null));
    });
    const all = Int32Array.from({ length: n }, (_, h) => h);
    const z = Float64Array.from(predictFrame(f, hybrid, all), logit);
    chunk.forEach((_, r) => {
      for (let m = 0; m < M; m++) {
        const order = orders[r * M + m]!;
        const base = (r * M + m) * (C + 1);
        for (let k = 0; k < C; k++) contrib[(start + r) * C + order[k]!]! += (z[base + k + 1]! - z[base + k]!) / M;
      }
    });
  }
  return { sources, contrib };
}

/** Contributions for the served model: exact for a linear one, sampled Shapley otherwise. */
export function attribute(f: Fitted, frame: Frame, backgroundFrom: Int32Array, rows: Int32Array, opts: ShapleyOptions): Attribution {
  if (f.kernel) return linearAttribution(f.kernel, f.prep, designMatrix(frame, rows, f.prep), rows.length);
  return shapleyAttribution(f, frame, backgroundFrom, rows, opts);
}

/** Training averages of the numeric columns on their own scale (from the preprocessing). */
function numericMeans(prep: Preprocessor): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of prep.columns) {
    if (c.kind !== "numeric") continue;
    const m = prep.mean[prep.features.findIndex((f) => f.source === c.name)]!;
    out.set(c.name, !c.raw && c.log1p ? Math.expm1(m) : m);
  }
  return out;
}

/**
 * Per row, up to `top` columns with a positive contribution whose value lies on its risk side of
 * the training average (categories: the contact's own level), largest first, in words.
 */
export function factorsFrom(a: Attribution, prep: Preprocessor, frame: Frame, rows: Int32Array, top: number): string[][] {
  const means = numericMeans(prep);
  const C = a.sources.length;
  return Array.from(rows, (i, r) => {
    const cands: { s: number; v: number }[] = [];
    for (let s = 0; s < C; s++) {
      const v = a.contrib[r * C + s]!;
      if (!(v > 1e-9)) continue;
      const name = a.sources[s]!;
      const num = frame.numeric.get(name);
      if (num) {
        const x = num[i]!;
        if (!Number.isFinite(x)) continue; // a missing value is not a reason
        const w = WORDS[name];
        const mean = means.get(name) ?? 0;
        if (w && (w.risk === "high" ? x <= mean : x >= mean)) continue;
        if (w?.risk === "high" && x <= 0) continue;
      } else if (frame.categorical.get(name)?.[i] == null) {
        continue;
      }
      cands.push({ s, v });
    }
    return cands.sort((p, q) => q.v - p.v).slice(0, top).map(({ s }) => {
      const name = a.sources[s]!;
      const num = frame.numeric.get(name);
      return describe(name, num ? num[i]! : frame.categorical.get(name)![i]!);
    });
  });
}

/** Up to `top` plain-words reasons per row, for the model served. */
export function explainRows(f: Fitted, frame: Frame, backgroundFrom: Int32Array, rows: Int32Array, opts: ShapleyOptions & { top: number }): string[][] {
  return factorsFrom(attribute(f, frame, backgroundFrom, rows, opts), prepOf(f), frame, rows, opts.top);
}

/** The single top factor per row (NO_FACTOR when none). */
export function topFactorsOf(f: Fitted, frame: Frame, backgroundFrom: Int32Array, rows: Int32Array, opts: ShapleyOptions): string[] {
  return explainRows(f, frame, backgroundFrom, rows, { ...opts, top: 1 }).map((fs) => fs[0] ?? NO_FACTOR);
}
