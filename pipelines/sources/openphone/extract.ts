/**
 * `commsight extract --source openphone`: walk the API into the landing zone, then commit the
 * landing zone (API pages and webhook events alike) to the lake. The commit runs even when the
 * walk stops early (request budget, a failure): what was fetched is on disk and lands.
 */
import type { Paths } from "../../core/paths.ts";
import { log } from "../../core/log.ts";
import { progressBar } from "../../core/progress.ts";
import { commitStreams, streamPaths, type CommitHooks, type CommitResult, type Stream } from "../../lake/commit.ts";
import { sumResults } from "../../lake/report.ts";
import { LandingWriter } from "../../lake/landing.ts";
import { webhookStream } from "../webhook/events.ts";
import { Checkpoint } from "./checkpoint.ts";
import { DEFAULT_BASE_URL, OpenPhoneClient, type ClientOptions } from "./client.ts";
import { walk, type WalkResult } from "./walk.ts";
import { join } from "node:path";

export type OpenPhoneOptions = {
  since?: string;
  until?: string;
  maxRequests?: number;
  baseUrl?: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  lookbackHours?: number;
  lateWindowDays?: number;
  concurrency?: number;
  /** Commit the landing zone to the lake at least this often during a long walk. */
  commitEveryMs?: number;
  hooks?: CommitHooks & { afterPage?: (pages: number) => void };
  /** Finer client settings (backoff, burst) for tuning and tests. */
  client?: Partial<ClientOptions>;
};

/** The API's landed pages: each line is `{at, entity, record, dayHint}`. */
export function apiStream(paths: Paths): Stream {
  return {
    name: "openphone", ...streamPaths(paths, "openphone"),
    route: (l) => [{ entity: String(l.entity), record: l.record, dayHint: (l.dayHint as string | null | undefined) ?? null }],
  };
}

export async function extractOpenPhone(paths: Paths, o: OpenPhoneOptions) {
  const apiKey = process.env.OPENPHONE_API_KEY ?? "";
  const baseUrl = o.baseUrl ?? process.env.OPENPHONE_BASE_URL ?? DEFAULT_BASE_URL;
  const client = new OpenPhoneClient({
    baseUrl, apiKey, maxRequests: o.maxRequests, timeoutMs: o.timeoutMs, requestsPerSecond: o.requestsPerSecond,
    ...o.client,
    onRetry: (r) => log.warn({ request: r.request, attempt: r.attempt, waitMs: r.waitMs, why: r.why }, "openphone: retrying"),
  });
  const streams = [apiStream(paths), webhookStream(streamPaths(paths, "webhooks"))];
  const landing = new LandingWriter(streams[0]!.dir);
  const bar = progressBar("openphone conversations");
  let lastCommit = Date.now();
  let pages = 0;
  const partial: CommitResult[] = [];
  let walked: WalkResult | null = null;
  let failure: unknown = null;
  try {
    walked = await walk({
      client, checkpoint: new Checkpoint(join(paths.data, "state")), landing, since: o.since, until: o.until,
      lookbackMs: (o.lookbackHours ?? 24) * 3_600_000, lateWindowMs: (o.lateWindowDays ?? 7) * 86_400_000,
      concurrency: o.concurrency ?? 3, now: () => new Date(), onProgress: bar.update,
      afterPage: async () => {
        o.hooks?.afterPage?.(++pages);
        if (Date.now() - lastCommit < (o.commitEveryMs ?? 5 * 60_000)) return;
        await landing.close();
        partial.push(await commitStreams(paths, streams));
        lastCommit = Date.now();
      },
    });
  } catch (err) {
    failure = err;
  } finally {
    bar.stop();
    await landing.close();
  }
  const committed = sumResults([...partial, await commitStreams(paths, streams, o.hooks)]);
  if (failure) throw failure;
  const notes = [`${client.requests} API requests to ${new URL(baseUrl).origin}`];
  if (walked && !walked.complete) notes.push(`stopped early: ${walked.stoppedBecause}`);
  return { ...committed, notes, complete: walked?.complete ?? false, requests: client.requests };
}
