/** Redaction per PII type: what must go, what must stay, and the labelled corpus's precision/recall. */
import { describe, expect, it } from "vitest";
import { ibanValid, luhnValid } from "../../pipelines/privacy/detectors.ts";
import { scoreRedaction } from "../../pipelines/privacy/evaluate.ts";
import { redactText } from "../../pipelines/privacy/redact.ts";
import { buildCorpus, IBANS, NATIONAL_IDS, NEGATIVES } from "./corpus.ts";

const r = (text: string, names?: string[]) => redactText(text, { names }).text;

describe("redaction", () => {
  it("phone numbers in the ways people write them, validated by libphonenumber", () => {
    for (const p of ["(415) 555-2671", "+1 916 378 0081", "214.643.9989", "724-662-5646", "+44 20 7946 0958"]) {
      expect(r(`Call me back at ${p} please.`)).toBe("Call me back at [PHONE] please.");
    }
  });

  it("e-mail addresses", () => {
    expect(r("Send it to ann.lee+bills@mail.example.co.uk today.")).toBe("Send it to [EMAIL] today.");
    expect(r("Reach jo_doe73@gmail.com or j.doe@work.org")).toBe("Reach [EMAIL] or [EMAIL]");
  });

  it("card numbers only when Luhn-valid and of a card scheme", () => {
    expect(r("Use my card 4111 1111 1111 1111.")).toBe("Use my card [CARD].");
    expect(r("Amex 3782-822463-10005 please")).toBe("Amex [CARD] please");
    expect(r("Card 5555555555554444 on file")).toBe("Card [CARD] on file");
    expect(r("Ref 4111 1111 1111 1112 is not valid.")).toBe("Ref 4111 1111 1111 1112 is not valid."); // Luhn fails
    expect(r("Order 123456789012 shipped")).toBe("Order 123456789012 shipped"); // no scheme starts with 1
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
  });

  it("IBANs only when the mod-97 checksum holds", () => {
    for (const iban of IBANS) expect(r(`Pay into ${iban} please`), iban).toBe("Pay into [IBAN] please");
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(r("IBAN DE89 3704 0044 0532 0130 01 looks wrong")).toBe("IBAN DE89 3704 0044 0532 0130 01 looks wrong");
  });

  it("national ids: US SSNs as written or after a cue, UK NI numbers; impossible SSNs stay", () => {
    for (const id of NATIONAL_IDS) expect(r(`It is ${id}.`), id).not.toContain(id.replace(/^SSN /, ""));
    expect(r("my ssn is 512346789")).toBe("my ssn is [NATIONAL_ID]");
    expect(r("Account 000-00-0000 placeholder")).toBe("Account 000-00-0000 placeholder");
    expect(r("Code 666-12-3456")).toBe("Code 666-12-3456");
    expect(r("The number 512346789 alone")).toBe("The number 512346789 alone"); // nine digits without a cue
  });

  it("leaves order numbers, dates, times, prices, zips, versions and tracking codes alone", () => {
    for (const n of NEGATIVES) expect(r(n), n).toBe(n);
  });

  it("replaces the contact's own names when given, as whole words", () => {
    expect(r("It's Debra Phillips, Debra again.", ["Debra", "Phillips"])).toBe("It's [NAME] [NAME], [NAME] again.");
    expect(r("Debrah called", ["Debra"])).toBe("Debrah called");
  });

  it("counts what it found per type", () => {
    const out = redactText("Mail a@b.com or call 415-555-2671, card 4111111111111111.");
    expect(out.counts).toEqual({ phone: 1, email: 1, card: 1, iban: 0, national_id: 0 });
  });

  it("reaches full recall and precision on the labelled corpus", () => {
    const scores = scoreRedaction(buildCorpus());
    for (const s of scores) {
      expect(s.recall, `${s.type} recall`).toBe(1);
      expect(s.precision, `${s.type} precision`).toBe(1);
    }
    expect(scores.find((s) => s.type === "phone")!.tp).toBeGreaterThanOrEqual(60);
  });
});
