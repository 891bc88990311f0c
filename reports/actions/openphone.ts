/**
 * Writing a tag back to a contact in OpenPhone/Quo: the contact custom field named in the destination,
 * through PATCH /v1/contacts/{id} with {"customFields": [{"key", "value"}]} and the API key as the raw
 * Authorization header (../shared/openphone-api). A multi-select field is read first (GET
 * /v1/contacts/{id}) so the tag is added to the values already there, not put in their place.
 * Mart contact ids are pseudonyms: `resolve` turns one into the phone system's id (contacts.ts).
 */
import type { z } from "zod";
import type { Alert } from "./alert.ts";
import { secret, type OpenPhoneDestination } from "./destinations.ts";
import { HttpError, requestJson } from "./http.ts";

type CustomField = { key?: string; id?: string; value?: unknown };

async function currentValues(base: string, id: string, field: string, apiKey: string): Promise<string[]> {
  const res = await fetch(`${base}/v1/contacts/${encodeURIComponent(id)}`, {
    headers: { authorization: apiKey, accept: "application/json", "user-agent": "commsight" },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new HttpError(res.status, text, null, `GET /v1/contacts/${id} answered ${res.status}: ${text.slice(0, 200)}`);
  const json = JSON.parse(text) as { data?: { customFields?: CustomField[] } };
  const v = json.data?.customFields?.find((f) => f.key === field)?.value;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" && v ? [v] : [];
}

export async function tagContact(
  dest: z.infer<typeof OpenPhoneDestination>, alert: Alert, env: NodeJS.ProcessEnv, resolve: (id: string) => Promise<string> = async (id) => id,
): Promise<string> {
  if (!alert.contactId) throw new Error(`rule ${alert.ruleId} has an openphone action but its alerts are not about a contact`);
  const tag = alert.tag ?? alert.ruleId;
  const contactId = await resolve(alert.contactId);
  const apiKey = secret(env, dest.apiKeyEnv, "openphone destination");
  const base = dest.endpoint.replace(/\/$/, "");
  let value: string | string[] = tag;
  if (dest.fieldType === "multi-select") {
    const have = await currentValues(base, contactId, dest.field, apiKey);
    if (have.includes(tag)) return `contact ${alert.contactId} already tagged ${tag}`;
    value = [...have, tag];
  }
  const res = await requestJson("PATCH", `${base}/v1/contacts/${encodeURIComponent(contactId)}`,
    { customFields: [{ key: dest.field, value }] }, { authorization: apiKey });
  return `contact ${alert.contactId} ${dest.field} += ${tag} (${res.status})`;
}
