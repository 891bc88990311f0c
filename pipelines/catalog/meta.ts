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
