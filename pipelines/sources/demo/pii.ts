/** Personal data planted into message and transcript text: phone numbers, e-mails, card numbers. */
import { AREA_CODES, EMAIL_DOMAINS } from "./names.ts";
import type { Rng } from "./rng.ts";

export type PiiKind = "phone" | "email" | "card";

/** Luhn check digit for a string of digits (the payload without its check digit). */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isLuhnValid(number: string): boolean {
  const digits = number.replace(/\D/g, "");
  if (digits.length < 12) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.slice(-1));
}

const CARD_PREFIXES: Array<[string, number]> = [["4", 16], ["51", 16], ["53", 16], ["55", 16], ["2221", 16], ["34", 15], ["37", 15], ["6011", 16]];

/** A Luhn-valid card number, formatted with spaces, dashes or nothing. */
export function makeCard(rng: Rng): string {
  const [prefix, len] = rng.pick(CARD_PREFIXES);
  let payload = prefix;
  while (payload.length < len - 1) payload += String(rng.int(10));
  const digits = payload + String(luhnCheckDigit(payload));
  const groups = len === 15 ? [4, 6, 5] : [4, 4, 4, 4];
  const style = rng.int(3);
  if (style === 2) return digits;
  const sep = style === 0 ? " " : "-";
  const parts: string[] = [];
  let at = 0;
  for (const g of groups) {
    parts.push(digits.slice(at, at + g));
    at += g;
  }
  return parts.join(sep);
}

/** A US phone number written the way people type it. */
export function makePhone(rng: Rng): string {
  const npa = rng.pick(AREA_CODES);
  const nxx = rng.between(201, 989);
  const line = String(rng.int(10000)).padStart(4, "0");
  switch (rng.int(4)) {
    case 0: return `(${npa}) ${nxx}-${line}`;
    case 1: return `+1 ${npa} ${nxx} ${line}`;
    case 2: return `${npa}-${nxx}-${line}`;
    default: return `${npa}.${nxx}.${line}`;
  }
}

export function makeEmail(rng: Rng, first: string, last: string): string {
  const f = first.toLowerCase();
  const l = last.toLowerCase();
  const local = [`${f}.${l}`, `${f}${l}${rng.between(1, 99)}`, `${f[0]}${l}`, `${f}_${l}${rng.between(70, 99)}`][rng.int(4)]!;
  return `${local}@${rng.pick(EMAIL_DOMAINS)}`;
}

export interface PiiPlant {
  kind: PiiKind;
  value: string;
  entity: "messages" | "call-transcripts";
  recordId: string;
  file: string;
}
