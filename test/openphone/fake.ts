/**
 * A local OpenPhone/Quo API on 127.0.0.1 (random port) for contract tests: the spec's endpoints,
 * query parameters and envelopes (every body validated against the zod schemas before it is
 * sent), its error bodies, and injected faults: 429 with Retry-After, 500s, answers slower than
 * the client's timeout, dropped connections, a record repeated across pages, a transcript that
 * only arrives later. Every request's arrival time is recorded to check the rate limit.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import {
  ApiErrorBody, Call, CallRecording, CallSummary, CallTranscript, ContactCustomFieldDefinition, Conversation, DataResponse, ListResponse, Message,
  PhoneNumbersResponse,
} from "../../pipelines/catalog/openphone.ts";
import type { Dataset } from "./dataset.ts";

export type Faults = {
  /** Request numbers (1-based, counted at arrival) answered 429 with Retry-After: 1. */
  tooMany?: number[];
  serverError?: number[];
  /** Answered after `slowMs` (past the client's timeout). */
  slow?: number[];
  slowMs?: number;
  /** Connection destroyed without an answer. */
  drop?: number[];
  /** Repeat the last call of a conversation's first calls page at the start of its second page. */
  duplicateAcrossPages?: boolean;
  /** Calls whose transcript is 404 until `lateReady` is set. */
  lateTranscripts?: string[];
  /** Calls whose summary is "in-progress" until `lateReady` is set. */
  lateSummaries?: string[];
  /** Called on each arrival with its number (e.g. to kill a client mid-walk). */
  onRequest?: (n: number, path: string) => void;
};

export type Fake = {
  url: string;
  arrivals: { at: number; path: string }[];
  state: { lateReady: boolean };
  close(): Promise<void>;
  maxPerWindow(ms?: number): number;
};

const PAGE = 2;
const Page = (item: z.ZodType) => ListResponse(item);
const err = (status: number, title: string, code: string, message: string) =>
  ApiErrorBody.parse({ message, code, status, docs: "https://openphone.com/docs", title, trace: `trace-${status}` });

export async function startFake(ds: Dataset, apiKey: string, faults: Faults = {}): Promise<Fake> {
  const arrivals: Fake["arrivals"] = [];
  const state = { lateReady: false };
  let n = 0;
  const server = createServer((req, res) => {
    const num = ++n;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    arrivals.push({ at: performance.now(), path: url.pathname });
    faults.onRequest?.(num, url.pathname);
    if (faults.drop?.includes(num)) { req.socket.destroy(); return; }
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const write = () => {
        if (res.destroyed) return;
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (faults.slow?.includes(num)) setTimeout(write, faults.slowMs ?? 1500); else write();
    };
    if (faults.tooMany?.includes(num)) return send(429, { message: "Too many requests" }, { "retry-after": "1" });
    if (faults.serverError?.includes(num)) return send(500, err(500, "Unknown", "0101500", "Something went wrong"));
    if (req.headers.authorization !== apiKey) return send(401, err(401, "Unauthorized", "0400401", "Invalid API key"));
    try {
      const r = route(ds, url, faults, state);
      send(r.status, r.body);
    } catch (e) {
      send(400, err(400, "Bad Request", "0400400", (e as Error).message));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, arrivals, state,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
    maxPerWindow(ms = 1000) {
      const t = arrivals.map((a) => a.at).sort((a, b) => a - b);
      let best = 0;
      for (let i = 0, j = 0; i < t.length; i++) {
        while (t[i]! - t[j]! >= ms) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    },
  };
}

type Answer = { status: number; body: unknown };

function page<T>(items: T[], url: URL, schema: z.ZodType): Answer {
  const max = Number(url.searchParams.get("maxResults"));
  if (!Number.isInteger(max) || max < 1 || max > 100) throw new Error("maxResults: expected an integer 1..100");
  const offset = url.searchParams.get("pageToken") ? Number(Buffer.from(url.searchParams.get("pageToken")!, "base64url").toString()) : 0;
  const size = Math.min(max, PAGE);
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString("base64url") : null;
  return { status: 200, body: Page(schema).parse({ data: slice, totalItems: items.length, nextPageToken: next }) };
}

function window<T extends { createdAt: string }>(items: T[], url: URL): T[] {
  const after = url.searchParams.get("createdAfter");
  const before = url.searchParams.get("createdBefore");
  return items.filter((x) => (!after || x.createdAt > after) && (!before || x.createdAt < before));
}

function route(ds: Dataset, url: URL, f: Faults, state: { lateReady: boolean }): Answer {
  const p = url.pathname;
  const notFound = (what: string): Answer => ({ status: 404, body: err(404, "Not Found", "0400404", `${what} not found`) });
  if (p === "/v1/phone-numbers") return { status: 200, body: PhoneNumbersResponse.parse({ data: ds.phoneNumbers }) };
  if (p === "/v1/contact-custom-fields") return { status: 200, body: z.object({ data: z.array(ContactCustomFieldDefinition) }).parse({ data: ds.customFields }) };
  if (p === "/v1/conversations") {
    const after = url.searchParams.get("updatedAfter");
    const before = url.searchParams.get("updatedBefore");
    const list = ds.conversations.filter((c) => (!after || c.updatedAt! > after) && (!before || c.updatedAt! < before))
      .sort((a, b) => b.updatedAt!.localeCompare(a.updatedAt!));
    return page(list, url, Conversation);
  }
  if (p === "/v1/calls" || p === "/v1/messages") {
    const pn = url.searchParams.get("phoneNumberId");
    const parts = url.searchParams.getAll("participants");
    if (!pn || !/^PN/.test(pn)) throw new Error("phoneNumberId: required, PN...");
    if (!parts.length || (p === "/v1/calls" && parts.length > 1)) throw new Error("participants: required (one for calls)");
    if (p === "/v1/messages") {
      const list = window(ds.messages.filter((m) => m.phoneNumberId === pn && [m.from, ...m.to].some((x) => parts.includes(x))), url);
      return page(list, url, Message);
    }
    let list = window(ds.calls.filter((c) => c.phoneNumberId === pn && c.participants.includes(parts[0]!)), url);
    const token = url.searchParams.get("pageToken");
    if (f.duplicateAcrossPages && list.length > PAGE && token) {
      // The first record of page 2 is the last of page 1 again (an insert shifted the list).
      const offset = Number(Buffer.from(token, "base64url").toString());
      if (offset >= PAGE) list = [...list.slice(0, PAGE), list[PAGE - 1]!, ...list.slice(PAGE)];
    }
    return page(list, url, Call);
  }
  const m = /^\/v1\/(call-recordings|call-summaries|call-transcripts)\/(AC.*)$/.exec(p);
  if (m) {
    const id = m[2]!;
    if (!ds.calls.some((c) => c.id === id)) return notFound(`call ${id}`);
    if (m[1] === "call-recordings") {
      const r = ds.recordings.get(id);
      return r ? { status: 200, body: z.object({ data: z.array(CallRecording) }).parse({ data: r }) } : notFound("recordings");
    }
    if (m[1] === "call-summaries") {
      const s = ds.summaries.get(id);
      if (!s) return notFound("summary");
      const late = f.lateSummaries?.includes(id) && !state.lateReady;
      return { status: 200, body: DataResponse(CallSummary).parse({ data: late ? { ...s, status: "in-progress", summary: null } : s }) };
    }
    const t = ds.transcripts.get(id);
    if (!t || (f.lateTranscripts?.includes(id) && !state.lateReady)) return notFound("transcript");
    return { status: 200, body: DataResponse(CallTranscript).parse({ data: t }) };
  }
  return notFound(p);
}
