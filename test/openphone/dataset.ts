/**
 * A small OpenPhone workspace for the contract tests, every record valid against the zod schemas
 * of pipelines/openphone/schemas.ts (checked here, so a fixture can never drift from the spec).
 */
import type { z } from "zod";
import {
  Call, CallRecording, CallSummary, CallTranscript, ContactCustomFieldDefinition, Conversation, Message, PhoneNumber,
} from "../../pipelines/catalog/openphone.ts";

export type Dataset = {
  phoneNumbers: z.infer<typeof PhoneNumber>[];
  customFields: z.infer<typeof ContactCustomFieldDefinition>[];
  conversations: z.infer<typeof Conversation>[];
  calls: z.infer<typeof Call>[];
  messages: z.infer<typeof Message>[];
  recordings: Map<string, z.infer<typeof CallRecording>[]>;
  summaries: Map<string, z.infer<typeof CallSummary>>;
  transcripts: Map<string, z.infer<typeof CallTranscript>>;
};

const restrictions = { messaging: { CA: "unrestricted", US: "unrestricted", Intl: "restricted" }, calling: { CA: "unrestricted", US: "unrestricted", Intl: "restricted" } } as const;
const iso = (ms: number) => new Date(ms).toISOString();
const base = Date.parse("2025-03-03T14:00:00Z");

function valid<T>(schema: z.ZodType<T>, record: unknown, what: string): T {
  const r = schema.safeParse(record);
  if (!r.success) throw new Error(`fixture ${what} is not valid against the spec schema: ${JSON.stringify(r.error.issues[0])}`);
  return r.data;
}

/** `callsPer[i]` calls in 1:1 conversation i; the last conversation is a group text thread. */
export function makeDataset(callsPer = [5, 2, 2, 2, 2]): Dataset {
  const users = [1, 2, 3].map((i) => ({ id: `US${i}`, email: `agent${i}@example.com`, firstName: `Agent${i}`, lastName: null, groupId: "G1", role: "member" }));
  const phoneNumbers = [1, 2].map((i) => valid(PhoneNumber, {
    id: `PN${i}`, groupId: "G1", createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-06-01T00:00:00Z", name: i === 1 ? "Support" : "Sales",
    number: `+1415555000${i}`, formattedNumber: `(415) 555-000${i}`, forward: null, portRequestId: null, portingStatus: null, symbol: null,
    users: i === 1 ? users.slice(0, 2) : users.slice(1), restrictions,
  }, `phone number PN${i}`));
  const customFields = [
    valid(ContactCustomFieldDefinition, { name: "Segment", key: "segment", type: "string" }, "custom field"),
    valid(ContactCustomFieldDefinition, { name: "Churned", key: "churned", type: "boolean" }, "custom field"),
  ];
  const conversations: Dataset["conversations"] = [];
  const calls: Dataset["calls"] = [];
  const messages: Dataset["messages"] = [];
  const recordings = new Map<string, Dataset["recordings"] extends Map<string, infer V> ? V : never>();
  const summaries = new Map<string, z.infer<typeof CallSummary>>();
  const transcripts = new Map<string, z.infer<typeof CallTranscript>>();
  let n = 0;
  const convCount = callsPer.length + 1;
  for (let c = 0; c < convCount; c++) {
    const pn = `PN${(c % 2) + 1}`;
    const group = c === convCount - 1;
    const participants = group ? ["+14155559001", "+14155559002"] : [`+1415555100${c}`];
    const count = group ? 0 : callsPer[c]!;
    let last = base + c * 3_600_000;
    for (let k = 0; k < count; k++) {
      // Calls spread over days, one of them crossing into the next UTC day.
      const created = base + c * 86_400_000 + k * 7 * 3_600_000 + (k === 1 ? 9.9 * 3_600_000 : 0);
      const answered = k % 3 !== 2;
      const id = `AC${String(++n).padStart(4, "0")}`;
      const user = users[(c + k) % users.length]!.id;
      calls.push(valid(Call, {
        id, answeredAt: answered ? iso(created + 8_000) : null, answeredBy: answered ? user : null, initiatedBy: null, direction: "incoming",
        status: answered ? "completed" : "missed", completedAt: iso(created + 300_000), createdAt: iso(created), duration: answered ? 292 : 0,
        forwardedFrom: null, forwardedTo: null, phoneNumberId: pn, participants, updatedAt: iso(created + 301_000), userId: user,
      }, `call ${id}`));
      if (answered) {
        recordings.set(id, [valid(CallRecording, { duration: 290, id: `RC${id}`, startTime: iso(created + 9_000), status: "completed", type: "audio/mpeg", url: `https://files.example.com/${id}.mp3` }, "recording")]);
        summaries.set(id, valid(CallSummary, { callId: id, nextSteps: ["follow up"], status: "completed", summary: [`call ${id} about billing`] }, "summary"));
        transcripts.set(id, valid(CallTranscript, {
          callId: id, createdAt: iso(created + 400_000), duration: 290, status: "completed",
          dialogue: [{ content: "hello", start: 0, end: 2, identifier: participants[0], userId: null }, { content: "hi, how can I help", start: 2, end: 5, identifier: `+1415555000${(c % 2) + 1}`, userId: user }],
        }, "transcript"));
      }
      last = Math.max(last, created + 301_000);
    }
    for (let k = 0; k < 2; k++) {
      const created = base + c * 86_400_000 + 4 * 3_600_000 + k * 60_000;
      const id = `AC${String(++n).padStart(4, "0")}`;
      const incoming = k === 0;
      messages.push(valid(Message, {
        id, to: incoming ? [`+1415555000${(c % 2) + 1}`] : participants, from: incoming ? participants[0] : `+1415555000${(c % 2) + 1}`,
        text: incoming ? "is my order shipped?" : "yes, today", phoneNumberId: pn, direction: incoming ? "incoming" : "outgoing",
        userId: users[c % users.length]!.id, status: incoming ? "delivered" : "sent", createdAt: iso(created), updatedAt: iso(created + 1000),
      }, `message ${id}`));
      last = Math.max(last, created + 1000);
    }
    conversations.push(valid(Conversation, {
      assignedTo: null, createdAt: iso(base + c * 86_400_000), deletedAt: null, id: `CN${c + 1}`, lastActivityAt: iso(last), lastActivityId: null,
      mutedUntil: null, name: null, participants, phoneNumberId: pn, snoozedUntil: null, updatedAt: iso(last),
    }, `conversation CN${c + 1}`));
  }
  return { phoneNumbers, customFields, conversations, calls, messages, recordings, summaries, transcripts };
}
