/**
 * What the catalog knows of a column besides its type: a one-line description and whether it can
 * identify a person. It rides on the zod schema itself (zod's metadata), so a record's type, its
 * lake column and its documentation are one definition.
 */
import { z } from "zod";

/**
 * How a column can identify a person:
 * - `none`: it cannot (counts, timestamps, enums, the business's own line and team ids);
 * - `direct`: on its own (a customer's phone number, e-mail address, name, a card number);
 * - `identifier`: it links a row to one person in the phone system (a contact id, a conversation
 *   with one participant), so it is pseudonymised with the keyed hash before analysts see it;
 * - `free_text`: unredacted words a person wrote or said, which may hold any of the above.
 */
export const Pii = z.enum(["none", "direct", "identifier", "free_text"]);
export type Pii = z.infer<typeof Pii>;

export type ColumnMeta = { description: string; pii?: Pii };

/** Attach a column's description (and PII class, default none) to its schema. */
export function col<T extends z.ZodType>(schema: T, description: string, pii: Pii = "none"): T {
  return schema.meta({ description, pii }) as T;
}

/** The description and PII class of each field of an object schema, in field order. */
export function columnMeta(schema: z.ZodType): { name: string; description: string; pii: Pii }[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) throw new Error("columnMeta: expected an object schema");
  return Object.entries(shape).map(([name, field]) => {
    const m = (field.meta() ?? {}) as Partial<ColumnMeta>;
    return { name, description: m.description ?? field.description ?? "", pii: m.pii ?? "none" };
  });
}

/**
 * Plausibility of a record's event times (calls, messages, call-flow events, survey responses,
 * transcripts): not before `earliest` (the business's start date minus a margin; config
 * `ingest.earliest`, `ingest.businessStart` − `ingest.marginDays`) and not after now plus
 * `aheadMs` (a day by default: clocks drift, time zones differ). The extract sets it from the
 * config before it reads (`setPlausibility`); the zod refinements and the file drops' SQL checks
 * (raw.ts `checks`) read it when they run, so one setting serves both paths.
 */
export const plausibility: { earliest: string; aheadMs: number; notAfter: string | null } = { earliest: "1990-01-01T00:00:00Z", aheadMs: 86_400_000, notAfter: null };

export function setPlausibility(p: Partial<typeof plausibility>): void {
  Object.assign(plausibility, p);
}

/**
 * The latest plausible instant: now plus `aheadMs`, or `notAfter` when later (a generated demo
 * folder declares the end of the period it covers, which a machine's clock may not have reached).
 */
export const latestPlausibleMs = () => Math.max(Date.now() + plausibility.aheadMs, plausibility.notAfter ? Date.parse(plausibility.notAfter) : 0);

/** Whether an ISO instant lies inside the plausible window (null/absent: not this check's business). */
export function plausibleTime(v: string | null | undefined): boolean {
  if (v === null || v === undefined) return true;
  const t = Date.parse(v);
  return Number.isNaN(t) || (t >= Date.parse(plausibility.earliest) && t <= latestPlausibleMs());
}

export const implausibleTimeMessage = () => `outside the plausible window (${plausibility.earliest.slice(0, 10)} … now + ${Math.round(plausibility.aheadMs / 3_600_000)} h)`;
