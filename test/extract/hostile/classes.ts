/**
 * The classes of hostile input of test/extract/hostile.test.ts, one row each: which reader meets it,
 * what is wrong, the rule that catches it, and how to make it. A record class puts its bad lines
 * between two good records of one file (so every good record must still land); a file class puts
 * a bad entry (a symlink, a pipe, a gzip file…) beside a good file. The README's table of classes
 * is generated from this table (hostile.test.ts checks it is current).
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { createServer } from "node:net";

export type Reader = "folder" | "drop-ndjson" | "drop-csv" | "drop-json" | "landing";
export type Entity = "calls" | "messages" | "call_flow_events" | "survey_responses" | "call_transcripts" | "call_summaries";

/** Bad lines (text or raw bytes) for a class whose unique tag is `t` (ids made from it never collide). */
type Lines = (t: string) => (string | Buffer)[];

export type RecordClass = {
  kind: "records"; id: string; reader: Reader; entity: Entity; title: string; rule: string;
  bad: Lines;
  /** What each bad line's quarantine entry says (no bad lines: the file is odd but every record in it is good). */
  field?: string | null; reason?: RegExp;
  /** A transform of the whole file (a byte-order mark, CRLF line ends…). */
  wrap?: (file: Buffer) => Buffer;
  /** Reader limits for this class's run (all classes of a reader share one run, so they agree). */
};
export type FileClass = {
  kind: "file"; id: string; reader: Reader; entity: Entity; title: string; rule: string; reason: RegExp;
  /** Make the bad entry at `path` (`outside`: a folder outside every source, holding the secret). */
  make: (path: string, outside: string) => void | Promise<() => void>;
};
export type HostileClass = RecordClass | FileClass;

export const SECRET = "TOPSECRET-7f3a9c-outside-the-sources";

const at = (day: number, h = 10) => `2025-03-${String(day).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`;

/** A valid call (its line PN1 and user US1 are landed before the run). */
export function goodCall(id: string, over: Record<string, unknown> = {}) {
  return {
    id, answeredAt: at(4, 10), answeredBy: "US1", initiatedBy: null, direction: "incoming", status: "completed",
    completedAt: "2025-03-04T10:05:00Z", createdAt: "2025-03-04T09:59:00Z", duration: 360, forwardedFrom: null, forwardedTo: null,
    phoneNumberId: "PN1", participants: ["+14155550100"], updatedAt: "2025-03-04T10:06:00Z", userId: "US1", ...over,
  };
}
export function goodRecord(entity: Entity, key: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  switch (entity) {
    case "calls": return goodCall(key, over);
    case "messages": return {
      id: key, to: ["+14155550100"], from: "+14155550199", text: "hello there", phoneNumberId: "PN1", direction: "incoming", userId: "US1",
      status: "delivered", createdAt: at(5), updatedAt: at(5, 11), ...over,
    };
    case "call_flow_events": return { id: key, callId: "ACbase1", seq: 0, type: "ivr_entered", occurredAt: at(4), menu: "main", option: null, team: null, agentId: null, reason: null, by: null, ...over };
    case "survey_responses": return { id: key, interactionId: "ACbase1", channel: "call", contactId: null, respondedAt: at(6), nps: 9, csat: null, comment: "great", ...over };
    case "call_transcripts": return { callId: key, createdAt: at(4, 12), dialogue: [{ content: "hi", start: 0, end: 1.5, identifier: "+14155550100", userId: null }], duration: 60, status: "completed", ...over };
    case "call_summaries": return { callId: key, nextSteps: [], status: "completed", summary: ["a summary"], ...over };
  }
}
/** The key of an entity's records (transcripts and summaries are keyed by their call). */
export const keyOf = (entity: Entity) => (entity === "call_transcripts" || entity === "call_summaries" ? "callId" : "id");
/** Keys of a class's good records; transcripts and summaries need their calls landed first (the harness does). */
export const goodKeys = (entity: Entity, t: string) => [1, 2].map((k) => (keyOf(entity) === "callId" ? `AC${t}p${k}` : entity === "calls" || entity === "messages" ? `AC${t}g${k}` : `${t}g${k}`));

const j = (x: unknown) => JSON.stringify(x);
/** A good record of the class's entity with some fields changed, as a JSON line. */
const with_ = (entity: Entity, over: Record<string, unknown>) => (t: string) => [j(goodRecord(entity, badKey(entity, t), over))];
export const badKey = (entity: Entity, t: string, n = 1) => (keyOf(entity) === "callId" ? `AC${t}p${n + 2}` : entity === "calls" || entity === "messages" ? `AC${t}b${n}` : `${t}b${n}`);
/** Replace the first occurrence of `from` in the JSON text of a good record. */
const edit = (entity: Entity, from: string, to: string) => (t: string) => [j(goodRecord(entity, badKey(entity, t))).replace(from, to)];
const bytes = (entity: Entity, from: string, to: Buffer) => (t: string) => {
  const text = j(goodRecord(entity, badKey(entity, t)));
  const i = text.indexOf(from);
  return [Buffer.concat([Buffer.from(text.slice(0, i)), to, Buffer.from(text.slice(i + from.length))])];
};

// --- record classes every JSON reader meets (the folder, NDJSON drops, the landing zone) ----------

type Base = { id: string; entity: Entity; title: string; rule: string; bad: Lines; field?: string | null; reason?: RegExp; wrap?: (b: Buffer) => Buffer };

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const R = {
  json: "JSON.parse per line: invalid JSON is one quarantined record",
  utf8: "decoded with a fatal UTF-8 decoder per line: invalid bytes quarantine the line with the byte offset, never U+FFFD",
  nul: "NUL bytes and \\u0000 quarantine the record (a later stage could not store them)",
  sur: "lone UTF-16 surrogates (\\ud800…) quarantine the record (DuckDB would reject the staging file)",
  dup: "a key twice in one JSON object is a bad record (which value is meant is unknowable)",
  size: "per-record and per-field size limits (ingest.maxRecordBytes, ingest.maxFieldChars)",
  zod: "the entity's zod schema (catalog)",
  plaus: "plausibility in the schema: event times inside the window (ingest.earliest … now + ingest.aheadHours)",
  neg: "plausibility in the schema: durations and offsets are never negative",
  order: "plausibility in the schema: answeredAt ≤ completedAt",
  ref: "references: a record whose parent is not landed is held back, then quarantined (ingest.orphanWaitHours)",
  conflict: "conflicts: same key, same version, different content → both versions quarantined",
  ok: "not an error: read as a person expects, every record lands",
};

const shared: Base[] = [
  { id: "invalid-json", entity: "calls", title: "a truncated JSON line", rule: R.json, bad: (t) => [j(goodCall(`AC${t}b1`)).slice(0, 40)], field: null, reason: /^invalid JSON/ },
  { id: "json-array-line", entity: "calls", title: "a line holding a JSON array instead of an object", rule: R.zod, bad: () => ["[1,2,3]"], field: null, reason: /expected object|invalid JSON/ },
  { id: "json-null-line", entity: "calls", title: "a line holding JSON null", rule: R.zod, bad: () => ["null"], field: null, reason: /expected object|invalid JSON/ },
  { id: "json-string-line", entity: "calls", title: "a line holding a bare JSON string", rule: R.zod, bad: () => ['"hello"'], field: null, reason: /expected object|invalid JSON/ },
  { id: "utf8-bom", entity: "calls", title: "a UTF-8 byte-order mark before the first record", rule: R.ok, bad: () => [], wrap: (b) => Buffer.concat([BOM, b]) },
  { id: "crlf", entity: "calls", title: "CRLF line ends", rule: R.ok, bad: () => [], wrap: (b) => Buffer.from(b.toString("utf8").replace(/\n/g, "\r\n")) },
  { id: "blank-lines", entity: "calls", title: "blank and whitespace-only lines between records", rule: R.ok, bad: () => [], wrap: (b) => Buffer.from(b.toString("utf8").replace(/\n/g, "\n\n   \n")) },
  { id: "no-final-newline", entity: "calls", title: "no newline after the last record", rule: R.ok, bad: () => [], wrap: (b) => b.subarray(0, b.length - 1) },
  { id: "invalid-utf8", entity: "messages", title: "an invalid UTF-8 byte (0xff) in a message text", rule: R.utf8, bad: bytes("messages", "hello", Buffer.from([0x68, 0xff, 0x69])), field: null, reason: /not UTF-8 at byte \d+/ },
  { id: "latin1-text", entity: "messages", title: "a Latin-1 encoded accent (0xe9) in a message text", rule: R.utf8, bad: bytes("messages", "hello", Buffer.from("caf\xe9", "latin1")), field: null, reason: /not UTF-8 at byte/ },
  { id: "overlong-utf8", entity: "messages", title: "an overlong UTF-8 encoding (0xc0 0x80)", rule: R.utf8, bad: bytes("messages", "hello", Buffer.from([0xc0, 0x80])), field: null, reason: /not UTF-8 at byte/ },
  { id: "truncated-utf8", entity: "messages", title: "a multi-byte UTF-8 sequence cut short (0xe2 0x82)", rule: R.utf8, bad: bytes("messages", "hello", Buffer.from([0xe2, 0x82])), field: null, reason: /not UTF-8 at byte/ },
  { id: "utf8-surrogate-bytes", entity: "messages", title: "a surrogate encoded as UTF-8 bytes (CESU-8: 0xed 0xa0 0x80)", rule: R.utf8, bad: bytes("messages", "hello", Buffer.from([0xed, 0xa0, 0x80])), field: null, reason: /not UTF-8 at byte/ },
  { id: "nul-byte", entity: "messages", title: "a raw NUL byte in a line", rule: R.nul, bad: bytes("messages", "hello", Buffer.from([0x68, 0x00, 0x69])), field: null, reason: /NUL/ },
  { id: "nul-escape", entity: "messages", title: "a \\u0000 escape in a message text", rule: R.nul, bad: edit("messages", "hello there", "hel\\u0000lo"), field: "text", reason: /NUL/ },
  { id: "lone-high-surrogate", entity: "messages", title: "a lone high surrogate \\ud800 in a message text", rule: R.sur, bad: edit("messages", "hello there", "hi \\ud800 there"), field: "text", reason: /lone surrogate/ },
  { id: "lone-low-surrogate", entity: "messages", title: "a lone low surrogate \\udc00 in a message text", rule: R.sur, bad: edit("messages", "hello there", "hi \\udc00"), field: "text", reason: /lone surrogate/ },
  { id: "reversed-surrogates", entity: "messages", title: "a surrogate pair in the wrong order (\\udc00\\ud800)", rule: R.sur, bad: edit("messages", "hello there", "\\udc00\\ud800"), field: "text", reason: /lone surrogate/ },
  { id: "surrogate-in-key", entity: "calls", title: "a lone surrogate in a key", rule: R.sur, bad: edit("calls", '"forwardedFrom"', '"x\\ud800":1,"forwardedFrom"'), field: "x\ud800", reason: /lone surrogate/ },
  { id: "call-invalid-utf8", entity: "calls", title: "an invalid UTF-8 byte (0xff) in a call's field", rule: R.utf8, bad: bytes("calls", '"incoming"', Buffer.from([0x22, 0x69, 0x6e, 0xff, 0x22])), field: null, reason: /not UTF-8 at byte \d+/ },
  { id: "call-nul-escape", entity: "calls", title: "a \\u0000 escape in a call's field", rule: R.nul, bad: edit("calls", '"forwardedFrom":null', '"forwardedFrom":"+1\\u0000"'), field: "forwardedFrom", reason: /NUL/ },
  { id: "call-lone-surrogate", entity: "calls", title: "a lone surrogate \\ud800 in a call's field", rule: R.sur, bad: edit("calls", '"forwardedFrom":null', '"forwardedFrom":"x\\ud800"'), field: "forwardedFrom", reason: /lone surrogate/ },
  { id: "duplicate-key", entity: "calls", title: "the key id twice in one object", rule: R.dup, bad: (t) => [j(goodCall(`AC${t}b1`)).replace("{", `{"id":"AC${t}other",`)], field: "id", reason: /duplicate key "id"/ },
  { id: "duplicate-key-nested", entity: "call_transcripts", title: "a key twice inside a nested dialogue segment", rule: R.dup, bad: edit("call_transcripts", '"content":"hi"', '"content":"hi","content":"bye"'), field: "dialogue.0.content", reason: /duplicate key "content"/ },
  { id: "duplicate-key-escaped", entity: "calls", title: "a key twice, once written with an escape (\\u0069d = id)", rule: R.dup, bad: (t) => [j(goodCall(`AC${t}b1`)).replace("{", `{"\\u0069d":"AC${t}x",`)], field: "id", reason: /duplicate key "id"/ },
  { id: "record-too-large", entity: "messages", title: "a 300 KB record (limit 200 KB)", rule: R.size, bad: edit("messages", "hello there", "x".repeat(300_000)), field: null, reason: /record too large/ },
  { id: "field-too-long", entity: "messages", title: "a 120 KB message text (limit 100 KB)", rule: R.size, bad: edit("messages", "hello there", "y".repeat(120_000)), field: "text", reason: /value too large/ },
  { id: "negative-duration", entity: "calls", title: "a call with a negative duration", rule: R.neg, bad: with_("calls", { duration: -5 }), field: "duration", reason: /duration: .*>=0|duration: .*(non-?negative|at least 0|too small)/i },
  { id: "answered-after-completed", entity: "calls", title: "a call answered after it completed (negative handle time)", rule: R.order, bad: with_("calls", { answeredAt: "2025-03-04T10:09:00Z" }), field: "answeredAt", reason: /answered after it completed/ },
  { id: "year-0", entity: "calls", title: "a call dated year 0000", rule: R.plaus, bad: with_("calls", { createdAt: "0000-01-01T00:00:00Z" }), field: "createdAt", reason: /plausible window|Invalid/ },
  { id: "year-1900", entity: "calls", title: "a call dated 1900", rule: R.plaus, bad: with_("calls", { createdAt: "1900-01-01T00:00:00Z" }), field: "createdAt", reason: /plausible window/ },
  { id: "year-9999", entity: "calls", title: "a call dated 9999", rule: R.plaus, bad: with_("calls", { createdAt: "9999-12-31T00:00:00Z", updatedAt: "9999-12-31T00:10:00Z" }), field: "createdAt", reason: /plausible window/ },
  { id: "next-week", entity: "messages", title: "a message dated a week ahead of now", rule: R.plaus, bad: (t) => [j(goodRecord("messages", `AC${t}b1`, { createdAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), updatedAt: new Date(Date.now() + 7 * 86_400_000).toISOString() }))], field: "createdAt", reason: /plausible window/ },
  { id: "no-offset", entity: "calls", title: "a timestamp without a zone offset", rule: R.zod, bad: with_("calls", { createdAt: "2025-03-04T09:59:00" }), field: "createdAt", reason: /createdAt: / },
  { id: "date-not-time", entity: "messages", title: "a date where a timestamp belongs", rule: R.zod, bad: with_("messages", { createdAt: "2025-03-05" }), field: "createdAt", reason: /createdAt: / },
  { id: "duration-string", entity: "calls", title: "a duration given as a string", rule: R.zod, bad: with_("calls", { duration: "300" }), field: "duration", reason: /duration: .*number/ },
  { id: "duration-fraction", entity: "calls", title: "a fractional duration (integer expected)", rule: R.zod, bad: with_("calls", { duration: 1.5 }), field: "duration", reason: /duration: / },
  { id: "duration-infinite", entity: "calls", title: "a duration of 1e400 (Infinity after parsing)", rule: R.zod, bad: edit("calls", '"duration":360', '"duration":1e400'), field: "duration", reason: /duration: / },
  { id: "status-enum", entity: "calls", title: "a status outside the enum", rule: R.zod, bad: with_("calls", { status: "exploded" }), field: "status", reason: /status: / },
  { id: "direction-enum", entity: "calls", title: "a direction outside the enum", rule: R.zod, bad: with_("calls", { direction: "sideways" }), field: "direction", reason: /direction: / },
  { id: "missing-id", entity: "calls", title: "a call without an id", rule: R.zod, bad: (t) => { const c: Record<string, unknown> = goodCall(`AC${t}b1`); delete c.id; return [j(c)]; }, field: "id", reason: /id: / },
  { id: "id-prefix", entity: "calls", title: "a call id without the AC prefix", rule: R.zod, bad: with_("calls", { id: "XX123" }), field: "id", reason: /id: expected an activity id/ },
  { id: "participant-not-e164", entity: "calls", title: "a participant that is no E.164 number", rule: R.zod, bad: with_("calls", { participants: ["12345"] }), field: "participants.0", reason: /E\.164/ },
  { id: "participants-not-list", entity: "calls", title: "participants given as a string", rule: R.zod, bad: with_("calls", { participants: "+14155550100" }), field: "participants", reason: /participants: / },
  { id: "message-from-not-e164", entity: "messages", title: "a message sender that is no phone number", rule: R.zod, bad: with_("messages", { from: "not a number" }), field: "from", reason: /E\.164/ },
  { id: "message-status-enum", entity: "messages", title: "a message status outside the enum", rule: R.zod, bad: with_("messages", { status: "lost" }), field: "status", reason: /status: / },
  { id: "call-orphan-line", entity: "calls", title: "a call on a phone number that does not exist", rule: R.ref, bad: with_("calls", { phoneNumberId: "PNnowhere" }), field: "phoneNumberId", reason: /not found among landed phone_numbers/ },
  { id: "call-orphan-user", entity: "calls", title: "a call by a user that does not exist", rule: R.ref, bad: with_("calls", { userId: "USnobody" }), field: "userId", reason: /not found among landed users/ },
  { id: "message-orphan-line", entity: "messages", title: "a message on a phone number that does not exist", rule: R.ref, bad: with_("messages", { phoneNumberId: "PNnowhere" }), field: "phoneNumberId", reason: /not found among landed phone_numbers/ },
  { id: "message-orphan-user", entity: "messages", title: "a message by a user that does not exist", rule: R.ref, bad: with_("messages", { userId: "USnobody" }), field: "userId", reason: /not found among landed users/ },
  { id: "conflict-same-version", entity: "calls", title: "two versions of one call with the same updatedAt and different content", rule: R.conflict, bad: (t) => [j(goodCall(`AC${t}b1`, { duration: 100 })), j(goodCall(`AC${t}b1`, { duration: 200 }))], field: "id", reason: /conflict: 2 versions/ },
  { id: "identical-duplicate", entity: "calls", title: "the same record twice, byte for byte", rule: R.ok, bad: () => [], wrap: (b) => { const first = b.toString("utf8").split("\n")[0]!; return Buffer.concat([b, Buffer.from(first + "\n")]); } },
  { id: "unknown-field", entity: "calls", title: "a field the schema does not know (kept in _extra)", rule: R.ok, bad: () => [], wrap: (b) => Buffer.from(b.toString("utf8").replace(/^\{/, '{"newVendorField":"x",')) },
  { id: "proto-key", entity: "calls", title: "a __proto__ key (kept as data, no prototype pollution)", rule: R.ok, bad: () => [], wrap: (b) => Buffer.from(b.toString("utf8").replace(/^\{/, '{"__proto__":{"polluted":true},')) },
];

// --- record classes of child entities (the folder reader) -----------------------------------------

const children: Base[] = [
  { id: "flow-orphan-call", entity: "call_flow_events", title: "a call-flow event of a call that does not exist", rule: R.ref, bad: with_("call_flow_events", { callId: "ACnowhere" }), field: "callId", reason: /not found among landed calls/ },
  { id: "flow-negative-seq", entity: "call_flow_events", title: "a call-flow event with a negative sequence number", rule: R.zod, bad: with_("call_flow_events", { seq: -1 }), field: "seq", reason: /seq: / },
  { id: "flow-type-enum", entity: "call_flow_events", title: "a call-flow event of an unknown type", rule: R.zod, bad: with_("call_flow_events", { type: "teleported" }), field: "type", reason: /type: / },
  { id: "flow-year-9999", entity: "call_flow_events", title: "a call-flow event dated 9999", rule: R.plaus, bad: with_("call_flow_events", { occurredAt: "9999-01-01T00:00:00Z" }), field: "occurredAt", reason: /plausible window/ },
  { id: "flow-empty-id", entity: "call_flow_events", title: "a call-flow event with an empty id", rule: R.zod, bad: with_("call_flow_events", { id: "" }), field: "id", reason: /id: / },
  { id: "survey-orphan-call", entity: "survey_responses", title: "a survey response rating a call that does not exist", rule: R.ref, bad: with_("survey_responses", { interactionId: "ACnowhere" }), field: "interactionId", reason: /not found among landed calls/ },
  { id: "survey-orphan-message", entity: "survey_responses", title: "a survey response rating a message that does not exist", rule: R.ref, bad: with_("survey_responses", { interactionId: "ACnomessage", channel: "message" }), field: "interactionId", reason: /not found among landed messages/ },
  { id: "survey-nps-11", entity: "survey_responses", title: "an NPS of 11", rule: R.zod, bad: with_("survey_responses", { nps: 11 }), field: "nps", reason: /nps: / },
  { id: "survey-csat-0", entity: "survey_responses", title: "a CSAT of 0", rule: R.zod, bad: with_("survey_responses", { nps: null, csat: 0 }), field: "csat", reason: /csat: / },
  { id: "survey-no-score", entity: "survey_responses", title: "a response with neither NPS nor CSAT", rule: R.zod, bad: with_("survey_responses", { nps: null, csat: null }), field: "nps", reason: /nps or a csat/ },
  { id: "survey-year-0", entity: "survey_responses", title: "a response dated year 0000", rule: R.plaus, bad: with_("survey_responses", { respondedAt: "0000-06-01T00:00:00Z" }), field: "respondedAt", reason: /plausible window|Invalid/ },
  { id: "survey-channel-enum", entity: "survey_responses", title: "a response for an unknown channel", rule: R.zod, bad: with_("survey_responses", { channel: "fax" }), field: "channel", reason: /channel: / },
  { id: "transcript-orphan-call", entity: "call_transcripts", title: "a transcript of a call that does not exist", rule: R.ref, bad: with_("call_transcripts", { callId: "ACnowhere" }), field: "callId", reason: /not found among landed calls/ },
  { id: "transcript-negative-duration", entity: "call_transcripts", title: "a transcript with a negative duration", rule: R.neg, bad: with_("call_transcripts", { duration: -60 }), field: "duration", reason: /duration: / },
  { id: "transcript-negative-offset", entity: "call_transcripts", title: "a dialogue segment starting before the call", rule: R.neg, bad: with_("call_transcripts", { dialogue: [{ content: "hi", start: -3, end: 1, identifier: "x", userId: null }] }), field: "dialogue.0.start", reason: /start: / },
  { id: "transcript-year-9999", entity: "call_transcripts", title: "a transcript created in 9999", rule: R.plaus, bad: with_("call_transcripts", { createdAt: "9999-01-01T00:00:00Z" }), field: "createdAt", reason: /plausible window/ },
  { id: "summary-orphan-call", entity: "call_summaries", title: "a summary of a call that does not exist", rule: R.ref, bad: with_("call_summaries", { callId: "ACnowhere" }), field: "callId", reason: /not found among landed calls/ },
  { id: "summary-status-enum", entity: "call_summaries", title: "a summary with an unknown status", rule: R.zod, bad: with_("call_summaries", { status: "dreaming" }), field: "status", reason: /status: / },
  { id: "summary-not-list", entity: "call_summaries", title: "a summary given as a string, not sentences", rule: R.zod, bad: with_("call_summaries", { summary: "one string" }), field: "summary", reason: /summary: / },
];

// --- file classes: what the reader must refuse unread, or refuse whole ---------------------------

const F = {
  only: "only the sources are read: symlinks and special files are refused with a reason, never opened",
  enc: "a file that is no UTF-8 text is refused whole with its encoding named; the other files land",
};
const fifo = (p: string) => { execFileSync("mkfifo", [p]); };
const files: Omit<FileClass, "kind" | "reader">[] = [
  { id: "symlink-outside", entity: "calls", title: "a symlink to a file outside the sources (holding a secret)", rule: F.only, reason: /symbolic link/, make: (p, out) => symlinkSync(`${out}/secret.ndjson`, p) },
  { id: "symlink-etc-passwd", entity: "calls", title: "a symlink to /etc/passwd", rule: F.only, reason: /symbolic link/, make: (p) => symlinkSync("/etc/passwd", p) },
  {
    id: "symlink-inside", entity: "calls", title: "a symlink to another file of the same folder (refused unless ingest.allowSymlinks)", rule: F.only, reason: /symbolic link/,
    make: (p) => { writeFileSync(`${p}.target.txt`, j(goodCall("ACinsidetarget")) + "\n"); symlinkSync(`${p}.target.txt`, p); },
  },
  { id: "symlink-dangling", entity: "calls", title: "a symlink to nothing", rule: F.only, reason: /symbolic link/, make: (p) => symlinkSync("/nonexistent/nowhere.ndjson", p) },
  { id: "fifo", entity: "calls", title: "a named pipe (FIFO) named like a data file (must not hang the run)", rule: F.only, reason: /named pipe/, make: fifo },
  { id: "directory", entity: "calls", title: "a directory named like a data file", rule: F.only, reason: /a directory/, make: (p) => mkdirSync(p) },
  {
    id: "socket", entity: "calls", title: "a Unix socket named like a data file", rule: F.only, reason: /socket/,
    make: async (p) => { const s = createServer(); await new Promise<void>((r) => s.listen(p, r)); return () => s.close(); },
  },
  { id: "gzip", entity: "calls", title: "a gzip-compressed file", rule: F.enc, reason: /gzip/, make: (p) => writeFileSync(p, gzipSync(j(goodCall("ACgz1")) + "\n")) },
  { id: "zip", entity: "calls", title: "a zip archive", rule: F.enc, reason: /zip archive/, make: (p) => writeFileSync(p, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60, 1)])) },
  { id: "utf16-le", entity: "calls", title: "a UTF-16 LE file with its byte-order mark", rule: F.enc, reason: /UTF-16/, make: (p) => writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(j(goodCall("ACu16a")) + "\n", "utf16le")])) },
  { id: "utf16-be", entity: "calls", title: "a UTF-16 BE file with its byte-order mark", rule: F.enc, reason: /UTF-16/, make: (p) => writeFileSync(p, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(j(goodCall("ACu16b")) + "\n", "utf16le").swap16()])) },
  { id: "utf16-no-bom", entity: "calls", title: "a UTF-16 LE file without a byte-order mark", rule: F.enc, reason: /UTF-16/, make: (p) => writeFileSync(p, Buffer.from(j(goodCall("ACu16c")) + "\n", "utf16le")) },
];

// --- the readers each class is run through -----------------------------------------------------

/** The classes every JSON line reader meets (folder, NDJSON drop, landing zone), and which readers they are run through. */
const SHARED_READERS: Record<string, Reader[]> = {
  "invalid-json": ["folder", "drop-ndjson", "landing"],
  "utf8-bom": ["folder", "drop-ndjson"],
  "crlf": ["folder", "drop-ndjson"],
  "invalid-utf8": ["folder", "drop-ndjson", "landing"],
  "nul-byte": ["folder", "drop-ndjson", "landing"],
  "nul-escape": ["folder", "drop-ndjson", "landing"],
  "lone-high-surrogate": ["folder", "drop-ndjson", "landing"],
  "duplicate-key": ["folder", "drop-ndjson", "landing"],
  "call-invalid-utf8": ["folder", "drop-ndjson", "landing"],
  "call-nul-escape": ["folder", "drop-ndjson", "landing"],
  "call-lone-surrogate": ["folder", "drop-ndjson", "landing"],
  "record-too-large": ["folder", "drop-ndjson"],
  "negative-duration": ["folder", "drop-ndjson", "landing"],
  "answered-after-completed": ["folder", "drop-ndjson", "landing"],
  "year-9999": ["folder", "drop-ndjson", "landing"],
  "year-1900": ["folder", "drop-ndjson"],
  "call-orphan-line": ["folder", "drop-ndjson", "landing"],
  "call-orphan-user": ["folder", "drop-ndjson"],
  "conflict-same-version": ["folder", "drop-ndjson"],
  "status-enum": ["folder", "drop-ndjson"],
};
/** The drop readers meet calls only (one mapping); messages and child entities go through the folder. */
const DROP_ENTITIES = new Set<Entity>(["calls"]);

function recordClasses(): RecordClass[] {
  const out: RecordClass[] = [];
  for (const b of [...shared, ...children]) {
    for (const reader of SHARED_READERS[b.id] ?? ["folder"]) {
      if (reader !== "folder" && !DROP_ENTITIES.has(b.entity) && reader !== "landing") continue;
      if (reader === "landing" && b.entity !== "calls") continue;
      out.push({ kind: "records", ...b, id: reader === "folder" ? b.id : `${reader}-${b.id}`, reader });
    }
  }
  return out;
}

// --- CSV and JSON-array drops ---------------------------------------------------------------------

/** A call as a CSV row of the drop's mapping (id,createdAt,answeredAt,completedAt,updatedAt,duration,status,phone,user,participant). */
export const CSV_HEADER = "id,createdAt,answeredAt,completedAt,updatedAt,duration,status,phone,user,participant";
export function csvRow(id: string, over: Partial<Record<string, string>> = {}): string {
  const c = { ...Object.fromEntries(Object.entries(goodCall(id)).map(([k, v]) => [k, String(v)])), ...over };
  return [c.id, c.createdAt, c.answeredAt, c.completedAt, c.updatedAt, c.duration, c.status, c.phoneNumberId, c.userId, over.participant ?? "+14155550100"].join(",");
}
const csv = (id: string, title: string, rule: string, bad: Lines, field: string | null, reason: RegExp, wrap?: (b: Buffer) => Buffer): RecordClass =>
  ({ kind: "records", id: `drop-csv-${id}`, reader: "drop-csv", entity: "calls", title, rule, bad, field, reason, ...(wrap ? { wrap } : {}) });
const csvClasses: RecordClass[] = [
  csv("unclosed-quote", "one unclosed quote in a CSV row", "CSV rows are pre-read: a quote that never closes costs its row, not the file", (t) => [`AC${t}b1,"2025-03-04T09:59:00Z,x`], null, /unclosed quote/),
  csv("bom", "a UTF-8 byte-order mark before the header", R.ok, () => [], null, /x/, (b) => Buffer.concat([BOM, b])),
  csv("invalid-utf8", "an invalid UTF-8 byte in a CSV row", R.utf8, (t) => [Buffer.concat([Buffer.from(csvRow(`AC${t}b1`).replace("completed", "compl")), Buffer.from([0xff]), Buffer.from("eted")])], null, /not UTF-8 at byte/),
  csv("nul-byte", "a NUL byte in a CSV row", R.nul, (t) => [csvRow(`AC${t}b1`).replace("completed", "compl\0eted")], null, /NUL/),
  csv("too-many-columns", "a CSV row with an extra column", "the CSV reader's own check: a row with the wrong number of fields is one quarantined line", (t) => [csvRow(`AC${t}b1`) + ",extra"], null, /unparseable line/),
  csv("too-few-columns", "a CSV row missing columns", "the CSV reader's own check: a row with the wrong number of fields is one quarantined line", (t) => [`AC${t}b1,2025-03-04T09:59:00Z`], null, /unparseable line/),
  csv("negative-duration", "a negative duration in a CSV row", R.neg, (t) => [csvRow(`AC${t}b1`, { duration: "-5" })], "calls.duration", /calls\.duration: expected at least 0/),
  csv("answered-after-completed", "answered after completed in a CSV row", R.order, (t) => [csvRow(`AC${t}b1`, { answeredAt: "2025-03-04T10:09:00Z" })], "calls.answeredAt", /answered after it completed/),
  csv("year-1900", "a CSV row dated 1900", R.plaus, (t) => [csvRow(`AC${t}b1`, { createdAt: "1900-01-01T00:00:00Z" })], "calls.createdAt", /plausible window/),
  csv("year-9999", "a CSV row dated 9999", R.plaus, (t) => [csvRow(`AC${t}b1`, { createdAt: "9999-01-01T00:00:00Z", updatedAt: "9999-01-01T00:00:00Z" })], "calls.createdAt", /plausible window/),
  csv("status-enum", "a status outside the enum in a CSV row", R.zod, (t) => [csvRow(`AC${t}b1`, { status: "exploded" })], "calls.status", /calls\.status: expected one of/),
  csv("orphan-line", "a CSV call on a phone number that does not exist", R.ref, (t) => [csvRow(`AC${t}b1`, { phoneNumberId: "PNnowhere" })], "phoneNumberId", /not found among landed phone_numbers/),
  csv("conflict", "two CSV versions of one call with the same updatedAt and different content", R.conflict, (t) => [csvRow(`AC${t}b1`, { duration: "100" }), csvRow(`AC${t}b1`, { duration: "200" })], "id", /conflict: 2 versions/),
  csv("mixed-line-ends", "CRLF and LF line ends mixed in one CSV", R.ok, () => [], null, /x/, (b) => Buffer.from(b.toString("utf8").replace("\n", "\r\n"))),
];
const jsonArray = (id: string, title: string, rule: string, bad: Lines, field: string | null, reason: RegExp, wrap?: (b: Buffer) => Buffer): RecordClass =>
  ({ kind: "records", id: `drop-json-${id}`, reader: "drop-json", entity: "calls", title, rule, bad, field, reason, ...(wrap ? { wrap } : {}) });
const jsonClasses: RecordClass[] = [
  jsonArray("duplicate-key", "a key twice in one element of a JSON array", R.dup, (t) => [j(goodCall(`AC${t}b1`)).replace("{", `{"id":"AC${t}x",`)], "id", /duplicate key "id"/),
  jsonArray("lone-surrogate", "a lone surrogate in an element of a JSON array", R.sur, (t) => [j(goodCall(`AC${t}b1`)).replace('"status"', '"note":"\\ud800","status"')], "note", /lone surrogate/),
  jsonArray("not-object", "an element that is a number, not a record", R.zod, () => ["42"], null, /invalid JSON/),
  jsonArray("negative-duration", "a negative duration in a JSON array element", R.neg, (t) => [j(goodCall(`AC${t}b1`, { duration: -1 }))], "calls.duration", /calls\.duration: expected at least 0/),
  jsonArray("bom", "a UTF-8 byte-order mark before the array", R.ok, () => [], null, /x/, (b) => Buffer.concat([BOM, b])),
];
/** JSON-array and CSV drop files refused whole. */
const dropFiles: FileClass[] = [
  { kind: "file", id: "drop-json-truncated", reader: "drop-json", entity: "calls", title: "a truncated JSON array", rule: "a JSON array that does not parse is refused whole, naming the file", reason: /truncated/, make: (p) => writeFileSync(p, `[${j(goodCall("ACtrunc1"))},${j(goodCall("ACtrunc2")).slice(0, 50)}`) },
  { kind: "file", id: "drop-json-not-array", reader: "drop-json", entity: "calls", title: "a JSON drop holding one object, not an array", rule: "a JSON drop must hold one array of records", reason: /expected a JSON array/, make: (p) => writeFileSync(p, j(goodCall("ACobj1"))) },
  { kind: "file", id: "drop-json-invalid-utf8", reader: "drop-json", entity: "calls", title: "an invalid UTF-8 byte in a JSON array", rule: R.utf8, reason: /not UTF-8 at byte/, make: (p) => writeFileSync(p, Buffer.concat([Buffer.from(`[${j(goodCall("ACj8"))}`.replace("completed", "compl")), Buffer.from([0xff]), Buffer.from("eted]")])) },
  ...files.filter((f) => ["symlink-outside", "symlink-etc-passwd", "fifo", "directory", "gzip", "utf16-le"].includes(f.id)).map((f) => ({ ...f, kind: "file" as const, id: `drop-csv-${f.id}`, reader: "drop-csv" as const })),
  ...files.filter((f) => ["symlink-outside", "fifo", "gzip"].includes(f.id)).map((f) => ({ ...f, kind: "file" as const, id: `drop-ndjson-${f.id}`, reader: "drop-ndjson" as const })),
];

export const CLASSES: HostileClass[] = [
  ...recordClasses(),
  ...files.map((f) => ({ ...f, kind: "file" as const, reader: "folder" as const })),
  ...csvClasses, ...jsonClasses, ...dropFiles,
];

/** The README table: one row per class, grouped by reader. */
export function readmeTable(classes: HostileClass[] = CLASSES): string {
  const names: Record<Reader, string> = {
    folder: "NDJSON source folder", "drop-ndjson": "NDJSON file drop", "drop-csv": "CSV file drop", "drop-json": "JSON-array file drop", landing: "webhook landing zone",
  };
  const rows = classes.map((c, i) => `| ${i + 1} | \`${c.id}\` | ${names[c.reader]} | ${c.title.replaceAll("|", "\\|")} | ${(c.kind === "file" ? "whole file refused: " : "") + c.rule.replaceAll("|", "\\|")} |`);
  return ["| # | class | reader | bad input (mixed among good records) | rule that meets it |", "|---|---|---|---|---|", ...rows].join("\n");
}
