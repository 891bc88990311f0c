/**
 * PII redaction: every text is redacted before any analysis sees it and before it is written
 * anywhere outside the raw zone. Found spans become typed placeholders ([PHONE], [EMAIL], [CARD],
 * [IBAN], [NATIONAL_ID]) so the text still reads as a sentence and analyses can count them.
 */
import { PII_TYPES, type PiiType } from "./config.ts";
import { findCards, findEmails, findIbans, findNationalIds, findPhones, type Span } from "./detectors.ts";

export const PLACEHOLDER: Record<PiiType, string> = {
  phone: "[PHONE]", email: "[EMAIL]", card: "[CARD]", iban: "[IBAN]", national_id: "[NATIONAL_ID]",
};

export type RedactOptions = { types?: readonly PiiType[]; region?: string; names?: readonly string[] };
export type Redacted = { text: string; counts: Record<PiiType, number>; names: number };

/**
 * Detectors in order of specificity: an e-mail's digits must not read as a phone number, a card
 * number's groups must not either, so the structured ones claim their spans first.
 */
const ORDER: PiiType[] = ["email", "iban", "card", "national_id", "phone"];

export function findPii(text: string, opts: RedactOptions = {}): Span[] {
  const types = new Set(opts.types ?? PII_TYPES);
  const claimed: Span[] = [];
  for (const type of ORDER) {
    if (!types.has(type)) continue;
    const found = type === "email" ? findEmails(text)
      : type === "iban" ? findIbans(text)
      : type === "card" ? findCards(text)
      : type === "national_id" ? findNationalIds(text)
      : findPhones(text, opts.region ?? "US");
    for (const s of found) if (!claimed.some((c) => s.start < c.end && c.start < s.end)) claimed.push(s);
  }
  return claimed.sort((a, b) => a.start - b.start);
}

/** Redact one text. `names`: the person's own first and last name, replaced by [NAME] when given. */
export function redactText(text: string, opts: RedactOptions = {}): Redacted {
  const counts: Record<PiiType, number> = { phone: 0, email: 0, card: 0, iban: 0, national_id: 0 };
  const spans = findPii(text, opts);
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + PLACEHOLDER[s.type];
    counts[s.type]++;
    at = s.end;
  }
  out += text.slice(at);
  let names = 0;
  for (const name of opts.names ?? []) {
    if (name.length < 2 || !out.includes(name)) continue;
    out = out.replace(nameRegex(name), () => { names++; return "[NAME]"; });
  }
  return { text: out, counts, names };
}

const nameRegexes = new Map<string, RegExp>();
/** A name as a whole word; compiled once per name (the same few thousand names recur in every run). */
function nameRegex(name: string): RegExp {
  let re = nameRegexes.get(name);
  if (!re) {
    re = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "g");
    if (nameRegexes.size < 100_000) nameRegexes.set(name, re);
  }
  return re;
}

/** A redactor bound to the config's choices, for the many texts of one run. */
export function redactor(types: readonly PiiType[], region: string) {
  return (text: string, names?: readonly string[]) => redactText(text, { types, region, names });
}
