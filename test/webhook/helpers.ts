/** Signed webhook posts over real HTTP, and event fixtures shaped as the vendor sends them. */
import "../openphone/env.ts";
import { sign } from "../../pipelines/sources/webhook/signature.ts";
import { call, summary } from "../helpers/records.ts";

export const OP_KEY = Buffer.from("openphone-signing-key-for-tests").toString("base64");
export const SURVEY_KEY = Buffer.from("survey-signing-key-for-tests").toString("base64");

export type Post = { status: number; body: Record<string, string> };

export async function post(url: string, payload: unknown, o: { key?: string; header?: string; ts?: number; signature?: string | null; raw?: string } = {}): Promise<Post> {
  const body = o.raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const name = o.header ?? "openphone-signature";
  const sig = o.signature === undefined ? sign(o.key ?? OP_KEY, o.ts ?? Date.now(), body) : o.signature;
  if (sig !== null) headers[name] = sig;
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, string> };
}

export function event(id: string, type: string, object: Record<string, unknown>, createdAt = "2025-03-04T10:00:00.000Z") {
  return { id, object: "event", apiVersion: "v3", createdAt, type, data: { object } };
}

export const callEvent = (id: string, callId: string, over: Record<string, unknown> = {}) =>
  event(id, "call.completed", { ...call(callId, "2025-03-04T09:50:00Z"), callRoute: "phone-number", contactIds: ["CT1"], ...over });
export const summaryEvent = (id: string, callId: string, text: string) => event(id, "call.summary.completed", summary(callId, text));
export const survey = (id: string, interactionId: string, nps: number | null, csat: number | null) => ({
  id, interactionId, channel: "call", contactId: null, respondedAt: "2025-03-04T11:00:00Z", nps, csat, comment: null,
});
