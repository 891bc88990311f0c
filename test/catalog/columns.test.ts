/**
 * The catalog metadata on the record schemas (meta.ts `col`): every column of every raw and
 * enriched entity has a description and a PII class, and attaching them changed no lake type.
 */
import { describe, expect, it } from "vitest";
import { MERGE_ENTITIES } from "../../pipelines/catalog/raw.ts";
import { ENRICHED } from "../../pipelines/catalog/enriched.ts";
import { columnMeta, Pii } from "../../pipelines/catalog/meta.ts";
import { duckdbColumns } from "../../pipelines/catalog/duckdbTypes.ts";

const ENTITIES = [...MERGE_ENTITIES, ...ENRICHED];

/**
 * duckdbColumns(schema) of every entity as it was before the descriptions were attached (recorded
 * from the previous commit, not derived from the schemas). It guards the lake types: adding or
 * rewording a description must not change a column, its type or its order, since existing Parquet
 * partitions and the DuckDB views over them are typed by it. A deliberate schema change updates it.
 */
const LAKE_TYPES: Record<string, Record<string, string>> = {
  phone_numbers: {"id":"VARCHAR","groupId":"VARCHAR","createdAt":"TIMESTAMPTZ","updatedAt":"TIMESTAMPTZ","name":"VARCHAR","number":"VARCHAR","formattedNumber":"VARCHAR","forward":"VARCHAR","portRequestId":"VARCHAR","portingStatus":"VARCHAR","symbol":"VARCHAR","users":"STRUCT(\"id\" VARCHAR, \"email\" VARCHAR, \"firstName\" VARCHAR, \"lastName\" VARCHAR, \"groupId\" VARCHAR, \"role\" VARCHAR)[]","restrictions":"STRUCT(\"messaging\" STRUCT(\"CA\" VARCHAR, \"US\" VARCHAR, \"Intl\" VARCHAR), \"calling\" STRUCT(\"CA\" VARCHAR, \"US\" VARCHAR, \"Intl\" VARCHAR))"},
  users: {"id":"VARCHAR","email":"VARCHAR","firstName":"VARCHAR","lastName":"VARCHAR","groupId":"VARCHAR","role":"VARCHAR"},
  contacts: {"id":"VARCHAR","externalId":"VARCHAR","source":"VARCHAR","sourceUrl":"VARCHAR","defaultFields":"STRUCT(\"company\" VARCHAR, \"emails\" STRUCT(\"name\" VARCHAR, \"value\" VARCHAR, \"id\" VARCHAR)[], \"firstName\" VARCHAR, \"lastName\" VARCHAR, \"phoneNumbers\" STRUCT(\"name\" VARCHAR, \"value\" VARCHAR, \"id\" VARCHAR)[], \"role\" VARCHAR)","customFields":"JSON[]","createdAt":"TIMESTAMPTZ","updatedAt":"TIMESTAMPTZ","createdByUserId":"VARCHAR"},
  contact_custom_fields: {"name":"VARCHAR","key":"VARCHAR","type":"VARCHAR"},
  conversations: {"assignedTo":"VARCHAR","createdAt":"TIMESTAMPTZ","deletedAt":"TIMESTAMPTZ","id":"VARCHAR","lastActivityAt":"TIMESTAMPTZ","lastActivityId":"VARCHAR","mutedUntil":"TIMESTAMPTZ","name":"VARCHAR","participants":"VARCHAR[]","phoneNumberId":"VARCHAR","snoozedUntil":"TIMESTAMPTZ","updatedAt":"TIMESTAMPTZ"},
  calls: {"id":"VARCHAR","answeredAt":"TIMESTAMPTZ","answeredBy":"VARCHAR","initiatedBy":"VARCHAR","direction":"VARCHAR","status":"VARCHAR","completedAt":"TIMESTAMPTZ","createdAt":"TIMESTAMPTZ","duration":"BIGINT","forwardedFrom":"VARCHAR","forwardedTo":"VARCHAR","phoneNumberId":"VARCHAR","participants":"VARCHAR[]","updatedAt":"TIMESTAMPTZ","userId":"VARCHAR"},
  messages: {"id":"VARCHAR","to":"VARCHAR[]","from":"VARCHAR","text":"VARCHAR","phoneNumberId":"VARCHAR","direction":"VARCHAR","userId":"VARCHAR","status":"VARCHAR","createdAt":"TIMESTAMPTZ","updatedAt":"TIMESTAMPTZ"},
  call_recordings: {"duration":"BIGINT","id":"VARCHAR","startTime":"TIMESTAMPTZ","status":"VARCHAR","type":"VARCHAR","url":"VARCHAR","callId":"VARCHAR"},
  call_summaries: {"callId":"VARCHAR","nextSteps":"VARCHAR[]","status":"VARCHAR","summary":"VARCHAR[]","jobs":"STRUCT(\"icon\" VARCHAR, \"name\" VARCHAR, \"result\" STRUCT(\"data\" STRUCT(\"name\" VARCHAR, \"value\" JSON)[]))[]"},
  call_transcripts: {"callId":"VARCHAR","createdAt":"TIMESTAMPTZ","dialogue":"STRUCT(\"content\" VARCHAR, \"start\" DOUBLE, \"end\" DOUBLE, \"identifier\" VARCHAR, \"userId\" VARCHAR)[]","duration":"DOUBLE","status":"VARCHAR"},
  call_flow_events: {"id":"VARCHAR","callId":"VARCHAR","seq":"BIGINT","type":"VARCHAR","occurredAt":"TIMESTAMPTZ","menu":"VARCHAR","option":"VARCHAR","team":"VARCHAR","agentId":"VARCHAR","reason":"VARCHAR","by":"VARCHAR"},
  survey_responses: {"id":"VARCHAR","interactionId":"VARCHAR","channel":"VARCHAR","contactId":"VARCHAR","respondedAt":"TIMESTAMPTZ","nps":"BIGINT","csat":"BIGINT","comment":"VARCHAR"},
  message_texts: {"message_id":"VARCHAR","direction":"VARCHAR","text":"VARCHAR","topic":"VARCHAR","topic_source":"VARCHAR","classifier_topic":"VARCHAR","classifier_confidence":"DOUBLE","sentiment":"DOUBLE","sentiment_label":"VARCHAR","pii_redacted":"BIGINT"},
  transcript_turns: {"call_id":"VARCHAR","turn":"BIGINT","speaker":"VARCHAR","user_id":"VARCHAR","start_seconds":"DOUBLE","end_seconds":"DOUBLE","text":"VARCHAR","sentiment":"DOUBLE","sentiment_label":"VARCHAR","pii_redacted":"BIGINT"},
  call_texts: {"call_id":"VARCHAR","opted_out":"BOOLEAN","analysed":"BOOLEAN","summary":"VARCHAR","summary_source":"VARCHAR","next_steps":"VARCHAR","topic":"VARCHAR","topic_source":"VARCHAR","classifier_topic":"VARCHAR","classifier_confidence":"DOUBLE","turns":"BIGINT","customer_sentiment":"DOUBLE","customer_sentiment_start":"DOUBLE","customer_sentiment_end":"DOUBLE","customer_sentiment_label":"VARCHAR","summary_sentiment":"DOUBLE","escalation_requested":"BOOLEAN","agent_talk_seconds":"DOUBLE","customer_talk_seconds":"DOUBLE","talk_listen_ratio":"DOUBLE","agent_talk_share":"DOUBLE","longest_agent_monologue_seconds":"DOUBLE","longest_customer_monologue_seconds":"DOUBLE","silence_seconds":"DOUBLE","silence_share":"DOUBLE","longest_silence_seconds":"DOUBLE","overtalk_seconds":"DOUBLE","agent_questions":"BIGINT","customer_questions":"BIGINT","response_latency_seconds":"DOUBLE","max_response_latency_seconds":"DOUBLE","pii_redacted":"BIGINT"},
  survey_comments: {"response_id":"VARCHAR","comment":"VARCHAR","sentiment":"DOUBLE","sentiment_label":"VARCHAR","pii_redacted":"BIGINT"},
  text_terms: {"interaction_id":"VARCHAR","source":"VARCHAR","term":"VARCHAR","theme":"VARCHAR","words":"BIGINT"},
};

describe("catalog column metadata", () => {
  it("covers the same entities as the recorded lake types", () => {
    expect(ENTITIES.map((e) => e.name).sort()).toEqual(Object.keys(LAKE_TYPES).sort());
  });

  for (const e of ENTITIES) {
    it(`${e.name}: every column has a one-line description and a PII class`, () => {
      const cols = columnMeta(e.schema);
      expect(cols.map((c) => c.name)).toEqual(Object.keys(duckdbColumns(e.schema)));
      for (const c of cols) {
        expect(c.description.trim(), `${e.name}.${c.name}`).not.toBe("");
        expect(c.description, `${e.name}.${c.name}`).not.toMatch(/\n/);
        expect(Pii.options, `${e.name}.${c.name}`).toContain(c.pii);
      }
    });

    it(`${e.name}: lake column types are unchanged`, () => {
      expect(duckdbColumns(e.schema)).toEqual(LAKE_TYPES[e.name]);
    });
  }

  it("enriched columns hold no raw text: no enriched column is direct or free_text", () => {
    for (const e of ENRICHED) {
      for (const c of columnMeta(e.schema)) expect(["none", "identifier"], `${e.name}.${c.name}`).toContain(c.pii);
    }
  });

  it("raw text and phone-number columns are classed as personal", () => {
    const pii = (entity: string, column: string) =>
      columnMeta(ENTITIES.find((e) => e.name === entity)!.schema).find((c) => c.name === column)?.pii;
    expect(pii("messages", "text")).toBe("free_text");
    expect(pii("messages", "from")).toBe("direct");
    expect(pii("calls", "participants")).toBe("direct");
    expect(pii("phone_numbers", "number")).toBe("direct");
    expect(pii("survey_responses", "comment")).toBe("free_text");
    expect(pii("contacts", "id")).toBe("identifier");
  });
});
