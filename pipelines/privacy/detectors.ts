/**
 * PII detectors: each finds candidate spans with a pattern and keeps only those its checksum or
 * structure confirms (Luhn for cards, ISO 13616 mod-97 for IBANs, SSA rules for SSNs, the
 * libphonenumber metadata for phone numbers). Validation is what keeps order numbers, dates and
 * prices out of the redaction: a pattern alone would take them too.
 */
import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js/max";
import type { PiiType } from "./config.ts";

export type Span = { type: PiiType; start: number; end: number };

const EMAIL = /[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}/g;

export function findEmails(text: string): Span[] {
  return [...text.matchAll(EMAIL)].map((m) => ({ type: "email" as const, start: m.index, end: m.index + m[0].length }));
}

/** Luhn over a digit string (the check digit included). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Issuer prefixes and lengths of the card schemes in use: a Luhn-valid 16-digit number that no
 * scheme issues (an order number that happens to pass Luhn, one in ten) is left alone.
 */
function cardSchemeFits(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2)), p3 = Number(d.slice(0, 3)), p4 = Number(d.slice(0, 4)), p6 = Number(d.slice(0, 6));
  if (d[0] === "4") return n === 13 || n === 16 || n === 19;                                 // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;                // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15;                                              // Amex
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;                                  // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19; // Diners
  if (p2 === 62) return n >= 16 && n <= 19;                                                 // UnionPay
  if (["50", "56", "57", "58", "63", "67"].includes(d.slice(0, 2))) return n >= 12 && n <= 19; // Maestro
  return false;
}

// Digit runs with single space or dash separators, not glued to other digits or letters.
const CARD = /(?<![\w-])\d(?:[ -]?\d){11,18}(?![\w-])/g;

export function findCards(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/[ -]/g, "");
    if (luhnValid(digits) && cardSchemeFits(digits)) out.push({ type: "card", start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** IBAN lengths per country (ISO 13616 registry). */
const IBAN_LENGTH: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
  GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25,
  QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** ISO 13616: move the first four characters to the end, letters to 10..35, the number mod 97 is 1. */
export function ibanValid(compact: string): boolean {
  const s = compact.toUpperCase();
  if (IBAN_LENGTH[s.slice(0, 2)] !== s.length) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? String(code - 55) : ch;
    for (const digit of v) rem = (rem * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b/g;

export function findIbans(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(IBAN)) {
    // The pattern may run on into the next word ("… 1332 please"): cut at the country's IBAN length.
    const want = IBAN_LENGTH[m[0].slice(0, 2).toUpperCase()];
    if (!want) continue;
    let chars = 0, end = 0;
    while (end < m[0].length && chars < want) { if (m[0][end] !== " ") chars++; end++; }
    const candidate = m[0].slice(0, end);
    const next = text[m.index + end] ?? " ";
    if (chars === want && !/[A-Za-z0-9]/.test(next) && ibanValid(candidate.replace(/ /g, ""))) {
      out.push({ type: "iban", start: m.index, end: m.index + end });
    }
  }
  return out;
}

// US SSN as written (3-2-4 with dashes or spaces; SSA never issues area 000, 666 or 9xx, group 00 or serial 0000),
// and a bare nine digits only right after words that announce one.
const SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])/g;
const SSN_CUED = /\b(?:ssn|social security(?: number| no\.?| #)?|tax id|itin)\s*(?:is|:|#)?\s*((?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4})\b/gi;
// UK National Insurance number (HMRC prefix rules: no D F I Q U V; second letter not O).
const NINO = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;

export function findNationalIds(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(SSN)) out.push({ type: "national_id", start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(SSN_CUED)) {
    const start = m.index + m[0].lastIndexOf(m[1]!);
    out.push({ type: "national_id", start, end: start + m[1]!.length });
  }
  for (const m of text.matchAll(NINO)) out.push({ type: "national_id", start: m.index, end: m.index + m[0].length });
  return out;
}

/** Phone numbers libphonenumber finds and its full metadata says are valid numbers. */
export function findPhones(text: string, region: string): Span[] {
  let digits = 0;
  for (let i = 0; i < text.length && digits < 7; i++) { const c = text.charCodeAt(i); if (c >= 48 && c <= 57) digits++; }
  if (digits < 7) return []; // no phone number has fewer digits; skips the parser for most texts
  return findPhoneNumbersInText(text, region as CountryCode)
    .filter((f) => f.number.isValid() && groupedLikeAPhone(text.slice(f.startsAt, f.endsAt), f.number.countryCallingCode))
    .map((f) => ({ type: "phone" as const, start: f.startsAt, end: f.endsAt }));
}

/**
 * North American numbers are written 3-3-4 (or 3-7, or as ten digits): a valid number written as
 * 4-6 ("case 2026-000123") is a reference, not a phone. Other countries group too variously to judge.
 */
function groupedLikeAPhone(written: string, callingCode: string): boolean {
  if (callingCode !== "1") return true;
  const groups = written.split(/\D+/).filter((g) => g.length > 0).map((g) => g.length);
  if (groups.length > 1 && groups[0] === 1) groups.shift(); // the trunk or country code 1
  const shape = groups.join("-");
  return shape === "3-3-4" || shape === "3-7" || shape === "10" || shape === "11";
}
