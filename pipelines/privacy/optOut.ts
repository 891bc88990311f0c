/**
 * Opt-outs and the contacts they belong to: each contact's numbers and names from the raw snapshot
 * (names, for redacting a contact's own name from their texts) and whether the contact opted out
 * of analysis (a boolean custom field, `privacy.optOut.field`). The enrich stage looks conversations
 * up by number (calls, messages) or by contact id (survey responses) and leaves what an opt-out
 * excludes (`privacy.optOut.excludes`) unread.
 */
import { join } from "node:path";
import { lit, rows, sqlTemplate, type Db } from "../core/duckdb.ts";

const SQL = join(import.meta.dirname, "sql");

export type ContactInfo = { contactId: string; names: string[]; optedOut: boolean };
export type Contacts = { byPhone: Map<string, ContactInfo>; byId: Map<string, ContactInfo> };

/** Contacts from the raw snapshot, keyed by phone number and by id. */
export async function loadContacts(db: Db, relation: string | null, field: string): Promise<Contacts> {
  const byPhone = new Map<string, ContactInfo>();
  const byId = new Map<string, ContactInfo>();
  if (!relation) return { byPhone, byId };
  type Row = { contact_id: string; first_name: string | null; last_name: string | null; opted_out: boolean; phone: string | null };
  for (const r of await rows<Row>(db, sqlTemplate(join(SQL, "contacts.sql"), { contacts: relation, field: lit(field) }))) {
    let info = byId.get(r.contact_id);
    if (!info) {
      info = { contactId: r.contact_id, names: [r.first_name, r.last_name].filter((n): n is string => !!n && n.length > 1), optedOut: r.opted_out };
      byId.set(r.contact_id, info);
    }
    // Where contacts share a number, an opt-out by any of them protects the number's conversations.
    if (r.phone) {
      const known = byPhone.get(r.phone);
      byPhone.set(r.phone, known ? { ...known, optedOut: known.optedOut || info.optedOut, names: [...new Set([...known.names, ...info.names])] } : info);
    }
  }
  return { byPhone, byId };
}
