/**
 * A labelled PII corpus for redaction tests and the redaction benchmark: sentences carrying
 * PII of each type, built with the demo generator's own makers (phone numbers as people type
 * them, e-mails from names, Luhn-valid cards of every scheme) plus hand-written IBANs and
 * national ids, and hard negatives that must survive untouched: order and ticket numbers,
 * dates, times, prices, zip codes, versions, tracking codes, Luhn-invalid card-like numbers.
 */
import { Rng } from "../../pipelines/sources/demo/rng.ts";
import { makeCard, makeEmail, makePhone } from "../../pipelines/sources/demo/pii.ts";
import type { PiiType } from "../../pipelines/privacy/config.ts";

export type Labelled = { text: string; pii: { type: PiiType; value: string }[] };

const FRAMES = [
  "You can reach me at {v} if we get cut off.", "My details: {v}.", "Please use {v} for this.", "It's {v}, thanks.",
  "I already gave {v} to the last agent.", "Can you update it to {v}?",
];
const FIRST = ["anna", "mike", "li", "jose", "sara", "omar", "kate", "raj"];
const LAST = ["smith", "nguyen", "garcia", "khan", "olsen", "brown", "rossi", "tanaka"];

/** Valid IBANs (published examples and checksum-correct variants). */
export const IBANS = [
  "DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "FR14 2004 1010 0505 0001 3M02 606",
  "NL91 ABNA 0417 1643 00", "ES91 2100 0418 4502 0005 1332", "IT60 X054 2811 1010 0000 0123 456", "BE68 5390 0754 7034",
  "CH93 0076 2011 6238 5295 7", "AT61 1904 3002 3457 3201",
];
/** US SSNs (valid area/group/serial) written with dashes or spaces, after a cue word, and UK NI numbers. */
export const NATIONAL_IDS = [
  "123-45-6789", "078-05-1121", "219-09-9999", "457 55 5462", "536-22-8471", "AB 12 34 56 C", "JG103759A", "SSN 512346789",
];

/** Must not be redacted. */
export const NEGATIVES = [
  "Order #123456789012 shipped on 2026-11-15.", "Your ticket 1234-5678-9012 is open.", "The invoice total is $1,234.56 due 11/30/2026.",
  "We open at 08:00 and close at 20:00.", "Zip code 10001-1234, suite 450.", "Version 10.2.3.4 build 20261115.",
  "Tracking 1Z999AA10123456784 should arrive Friday.", "Reference 4111 1111 1111 1112 is not valid.", "Account 000-00-0000 placeholder.",
  "Room 555-1212 on the 3rd floor.", "Your plan costs 49.99 a month, 599.88 a year.", "Case 2026-000123 was closed.",
  "The modem serial is SN 7781 2234 9921.", "Call volume rose 12.5% to 3,456 calls.", "Order 20261115 123456 pending.",
  "It happened on 15/11/2026 at 10:30 pm.", "Part number 978-0-306-40615-7.", "Invoice INV-2026-00042 for 3 items.",
  "Transaction 6011 0000 0000 0005 reversed.", "Appointment between 1 and 3 pm on Monday.",
];

export function buildCorpus(seed = 5, perType = 60): Labelled[] {
  const rng = new Rng(seed);
  const out: Labelled[] = [];
  const frame = (v: string) => rng.pick(FRAMES).replace("{v}", v);
  for (let i = 0; i < perType; i++) {
    const v = makePhone(rng);
    out.push({ text: frame(v), pii: [{ type: "phone", value: v }] });
  }
  for (let i = 0; i < perType; i++) {
    const v = makeEmail(rng, rng.pick(FIRST), rng.pick(LAST));
    out.push({ text: frame(v), pii: [{ type: "email", value: v }] });
  }
  for (let i = 0; i < perType; i++) {
    const v = makeCard(rng);
    out.push({ text: frame(v), pii: [{ type: "card", value: v }] });
  }
  for (const v of IBANS) out.push({ text: frame(v), pii: [{ type: "iban", value: v }] });
  for (const v of NATIONAL_IDS) out.push({ text: frame(v), pii: [{ type: "national_id", value: v.replace(/^SSN /, "") }] });
  // Two kinds in one sentence, and PII next to negatives.
  out.push({ text: "Card 4111 1111 1111 1111, email jo.doe@example.com, order #123456789012.", pii: [{ type: "card", value: "4111 1111 1111 1111" }, { type: "email", value: "jo.doe@example.com" }] });
  out.push({ text: "Call (415) 555-2671 about invoice INV-2026-00042.", pii: [{ type: "phone", value: "(415) 555-2671" }] });
  for (const n of NEGATIVES) out.push({ text: n, pii: [] });
  return out;
}
