/**
 * The API walk, as the v1 API allows it (it has no "list all calls"): phone numbers (and their
 * users) and contact custom fields → conversations updated since the watermark → per conversation
 * its calls and messages → per call its recordings, summary and transcript (404: none yet) → calls
 * still waiting for a summary or transcript. Every page's records go to the landing zone (fsync)
 * before the checkpoint moves past it, so a killed walk resumes without losing or repeating work
 * beyond the page it was on (and a repeated page is harmless: the merge deduplicates by key).
 */
import { z } from "zod";
import type { LandingWriter } from "../../lake/landing.ts";
import type { Checkpoint, ConversationRef, RunState, Window } from "./checkpoint.ts";
import { BudgetExhausted, type OpenPhoneClient } from "./client.ts";
import { CallSummary, CallTranscript, Conversation, PhoneNumber } from "../../catalog/openphone.ts";

const Page = z.object({ data: z.array(z.unknown()), nextPageToken: z.string().nullable().optional() });
const Data = z.object({ data: z.unknown() });
const CallRef = z.object({ id: z.string().regex(/^AC/), createdAt: z.string(), completedAt: z.string().nullable().optional() });
const SETTLED = new Set(["completed", "failed", "absent"]);

export type WalkOptions = {
  client: OpenPhoneClient;
  checkpoint: Checkpoint;
  landing: LandingWriter;
  since?: string;
  until?: string;
  /** How far before the watermark an incremental run looks again (late updates, clock skew). */
  lookbackMs: number;
  /** How long a call's missing summary/transcript is asked for again. */
  lateWindowMs: number;
  concurrency: number;
  now: () => Date;
  onProgress?: (done: number, total: number) => void;
  afterPage?: () => Promise<void>;
};
export type WalkResult = { complete: boolean; stoppedBecause: string | null; pages: number; records: number; conversations: number };

const utcDay = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const minusMs = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();

export async function walk(o: WalkOptions): Promise<WalkResult> {
  const cp = o.checkpoint;
  const backfill = o.since !== undefined || o.until !== undefined;
  const key = backfill ? `backfill ${o.since ?? "…"}..${o.until ?? "…"}` : "incremental";
  const run = cp.state.runs[key] ?? (cp.state.runs[key] = newRun(key, windowFor(o, cp.state.watermark), o.now()));
  const result: WalkResult = { complete: false, stoppedBecause: null, pages: 0, records: 0, conversations: 0 };
  const fetched = new Set<string>();

  const land = async (lines: { entity: string; record: unknown; dayHint?: string | null }[]) => {
    const at = o.now().toISOString();
    await o.landing.append(lines.map((l) => JSON.stringify({ at, ...l })));
    result.records += lines.length;
    result.pages++;
  };
  const commit = async () => { cp.save(); await o.afterPage?.(); };

  try {
    if (run.phase === "numbers") {
      const numbers = (await o.client.get("/v1/phone-numbers", {}, Page))!.data;
      const users = new Map<string, unknown>();
      for (const n of numbers) for (const u of PhoneNumber.safeParse(n).data?.users ?? []) users.set(u.id, u);
      const fields = (await o.client.get("/v1/contact-custom-fields", {}, Page))!.data;
      await land([
        ...numbers.map((record) => ({ entity: "phone_numbers", record })),
        ...[...users.values()].map((record) => ({ entity: "users", record })),
        ...fields.map((record) => ({ entity: "contact_custom_fields", record })),
      ]);
      run.phase = "listing";
      await commit();
    }
    while (run.phase === "listing") {
      const page = (await o.client.get("/v1/conversations", {
        updatedAfter: run.window.updatedAfter, updatedBefore: run.window.updatedBefore, maxResults: 100, pageToken: run.listingToken,
      }, Page))!;
      const refs: ConversationRef[] = [];
      for (const c of page.data) {
        const ok = Conversation.safeParse(c);
        if (!ok.success) continue; // landed anyway: the commit quarantines it with the reason
        refs.push({ id: ok.data.id, phoneNumberId: ok.data.phoneNumberId, participants: ok.data.participants });
        if (ok.data.updatedAt && (!run.highWater || ok.data.updatedAt > run.highWater)) run.highWater = ok.data.updatedAt;
      }
      await land(page.data.map((record) => ({ entity: "conversations", record })));
      cp.appendListed(run, refs);
      run.listingToken = page.nextPageToken ?? null;
      if (!run.listingToken) run.phase = "conversations";
      await commit();
    }
    if (run.phase === "conversations") {
      const list = cp.listed(run);
      result.conversations = list.length;
      while (run.cursor.conversation < list.length) {
        o.onProgress?.(run.cursor.conversation, list.length);
        await conversation(o, run, list[run.cursor.conversation]!, land, commit, fetched);
      }
      o.onProgress?.(list.length, list.length);
      run.phase = "pending";
      await commit();
    }
    if (run.phase === "pending") {
      const ids = Object.keys(cp.state.pending).sort().filter((id) => !run.pendingAfter || id > run.pendingAfter);
      for (const id of ids) {
        const p = cp.state.pending[id]!;
        if (!fetched.has(id) && Date.parse(p.createdAt) >= o.now().getTime() - o.lateWindowMs) {
          const { lines, settled } = await aiRecords(o.client, id, utcDay(p.createdAt));
          await land(lines);
          if (settled) delete cp.state.pending[id];
        } else if (!fetched.has(id)) {
          delete cp.state.pending[id]; // too old: whatever never came is not coming
        }
        run.pendingAfter = id;
        await commit();
      }
      run.phase = "done";
    }
    if (!backfill && run.highWater && (!cp.state.watermark || run.highWater > cp.state.watermark)) cp.state.watermark = run.highWater;
    cp.finish(run);
    result.complete = true;
  } catch (err) {
    if (!(err instanceof BudgetExhausted)) throw err;
    result.stoppedBecause = `${err.message}; the next run resumes where this one stopped`;
  }
  return result;
}

type Land = (lines: { entity: string; record: unknown; dayHint?: string | null }[]) => Promise<void>;

async function conversation(o: WalkOptions, run: RunState, c: ConversationRef, land: Land, commit: () => Promise<void>, fetched: Set<string>) {
  const cur = run.cursor;
  const window = { createdAfter: run.window.createdAfter, createdBefore: run.window.createdBefore, maxResults: 100 };
  if (cur.kind === "calls" && c.participants.length === 1) {
    // Calls are one-to-one only (participants has maxItems 1); group conversations carry messages.
    const page = (await o.client.get("/v1/calls", { phoneNumberId: c.phoneNumberId, participants: c.participants, ...window, pageToken: cur.pageToken }, Page))!;
    const lines: Parameters<Land>[0] = page.data.map((record) => ({ entity: "calls", record }));
    const calls = page.data.map((x) => CallRef.safeParse(x).data).filter((x) => x !== undefined).filter((x) => !fetched.has(x.id));
    for (const call of calls) fetched.add(call.id);
    const details = await pool(calls, o.concurrency, async (call) => {
      const day = utcDay(call.createdAt);
      const recordings = (await o.client.get(`/v1/call-recordings/${call.id}`, {}, Page, { notFound: "null" }))?.data ?? [];
      const ai = await aiRecords(o.client, call.id, day);
      if (ai.settled || Date.parse(call.createdAt) < o.now().getTime() - o.lateWindowMs) delete o.checkpoint.state.pending[call.id];
      else o.checkpoint.state.pending[call.id] = { createdAt: call.createdAt };
      return [...recordings.map((r) => ({ entity: "call_recordings", record: { ...(r as object), callId: call.id }, dayHint: day })), ...ai.lines];
    });
    await land([...lines, ...details.flat()]);
    cur.pageToken = page.nextPageToken ?? null;
    if (!cur.pageToken) cur.kind = "messages";
    await commit();
    return;
  }
  cur.kind = "messages";
  const page = (await o.client.get("/v1/messages", { phoneNumberId: c.phoneNumberId, participants: c.participants, ...window, pageToken: cur.pageToken }, Page))!;
  await land(page.data.map((record) => ({ entity: "messages", record })));
  cur.pageToken = page.nextPageToken ?? null;
  if (!cur.pageToken) run.cursor = { conversation: cur.conversation + 1, kind: "calls", pageToken: null };
  await commit();
}

/** A call's summary and transcript; settled once neither can still change. */
async function aiRecords(client: OpenPhoneClient, callId: string, day: string) {
  const summary = (await client.get(`/v1/call-summaries/${callId}`, {}, Data, { notFound: "null" }))?.data;
  const transcript = (await client.get(`/v1/call-transcripts/${callId}`, {}, Data, { notFound: "null" }))?.data;
  const lines: Parameters<Land>[0] = [];
  if (summary !== undefined) lines.push({ entity: "call_summaries", record: summary, dayHint: day });
  if (transcript !== undefined) lines.push({ entity: "call_transcripts", record: transcript, dayHint: day });
  const s = CallSummary.safeParse(summary).data?.status;
  const t = CallTranscript.safeParse(transcript).data?.status;
  return { lines, settled: s !== undefined && SETTLED.has(s) && t !== undefined && SETTLED.has(t) };
}

function windowFor(o: WalkOptions, watermark: string | null): Window {
  if (o.since !== undefined || o.until !== undefined) {
    // A conversation holding a call created after `since` was updated after it too; one updated
    // after `until` may still hold calls inside the window, so there is no updatedBefore.
    return { updatedAfter: o.since ?? null, updatedBefore: null, createdAfter: o.since ?? null, createdBefore: o.until ?? null };
  }
  const from = watermark ? minusMs(watermark, o.lookbackMs) : null;
  return { updatedAfter: from, updatedBefore: null, createdAfter: from, createdBefore: null };
}

function newRun(key: string, window: Window, now: Date): RunState {
  return {
    id: `${now.toISOString().replace(/[-:.]/g, "")}-${process.pid}`, key, window, startedAt: now.toISOString(), phase: "numbers",
    listingToken: null, listed: 0, cursor: { conversation: 0, kind: "calls", pageToken: null }, pendingAfter: null, highWater: null,
  };
}

/** Map with at most `n` in flight (the token bucket still paces the requests). */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); }
  }));
  return out;
}
