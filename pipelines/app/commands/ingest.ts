/**
 * Data in: `commsight listen` (the webhook receiver) and the `--source` options of
 * `commsight extract` (the API walk, webhook events, file drops).
 */
import { Option, type Command } from "commander";
import { join } from "node:path";
import { lakePaths } from "../../core/paths.ts";
import { log } from "../../core/log.ts";
import type { IngestOptions } from "../../extract/sources.ts";
import { configFrom, parseDate, parseIntStrict, UsageError } from "./shared.ts";

export function register(program: Command): void {
  program.command("listen")
    .description("receive OpenPhone/Quo webhook events (and survey responses) into the landing zone; the next extract lands them")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port (0: any free one)", parseIntStrict("--port"), 8787)
    .option("--max-body <bytes>", "largest accepted body", parseIntStrict("--max-body"), 1 << 20)
    .option("--tolerance <seconds>", "how old (or early) a signature may be", parseIntStrict("--tolerance"), 300)
    .addHelpText("after", "\nSigning keys (base64, as the vendor shows them) come from the environment only:\n  OPENPHONE_WEBHOOK_SECRET        POST /webhooks/openphone (header openphone-signature)\n  COMMSIGHT_SURVEY_WEBHOOK_SECRET POST /webhooks/surveys   (header commsight-signature, same scheme)")
    .action(async (opts, cmd) => {
      const config = configFrom(cmd);
      const keys = { openphone: process.env.OPENPHONE_WEBHOOK_SECRET, surveys: process.env.COMMSIGHT_SURVEY_WEBHOOK_SECRET };
      if (!keys.openphone && !keys.surveys) throw new UsageError("listen: set OPENPHONE_WEBHOOK_SECRET (and/or COMMSIGHT_SURVEY_WEBHOOK_SECRET)");
      const { listen } = await import("../../sources/webhook/server.ts");
      const landingDir = join(lakePaths(config).data, "landing", "webhooks");
      const l = await listen({
        host: opts.host, port: opts.port, landingDir, keys, maxBodyBytes: opts.maxBody, toleranceMs: opts.tolerance * 1000,
        onEvent: (e) => log.info(e, "webhook"),
      });
      process.stdout.write(`listening on ${l.url} (POST /webhooks/openphone, /webhooks/surveys)\n  landing ${landingDir}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => { l.close().then(resolve, resolve); };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      process.stdout.write("stopped; every acknowledged event is in the landing zone\n");
    });
}

/** The options `commsight extract` gains for incremental sources. */
export function withIngestOptions(cmd: Command): Command {
  return cmd
    .option("--source <source>", "demo (default: the --input snapshot) | openphone (API + webhook events) | webhooks | files | <a sources: name>")
    .option("--since <date>", "openphone: backfill from this date (YYYY-MM-DD); the watermark is left alone", parseDate("--since"))
    .option("--until <date>", "openphone: backfill up to this date (exclusive)", parseDate("--until"))
    .option("--max-requests <n>", "openphone: stop (resumably) after this many API requests", parseIntStrict("--max-requests"))
    .addOption(new Option("--base-url <url>", "openphone: API base URL").env("OPENPHONE_BASE_URL"))
    .option("--timeout <ms>", "openphone: per-request timeout", parseIntStrict("--timeout"));
}

export function ingestFrom(opts: Record<string, unknown>, cmd: Command): IngestOptions | undefined {
  const source = opts.source as string | undefined;
  if (!source || source === "demo") {
    for (const o of ["since", "until", "maxRequests", "timeout"]) {
      if (opts[o] !== undefined) throw new UsageError(`extract: --${o.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())} needs --source openphone`);
    }
    return undefined;
  }
  if (opts.input !== undefined) throw new UsageError("extract: --input is for the demo snapshot, not --source");
  const names = ((configFrom(cmd) as { sources?: { name: string }[] }).sources ?? []).map((s) => s.name);
  if (!["openphone", "webhooks", "files", ...names].includes(source)) {
    throw new UsageError(`extract: unknown --source "${source}" (expected demo, openphone, webhooks, files${names.length ? ", " + names.join(", ") : ""})`);
  }
  const day = (d: unknown) => (d ? new Date(`${d}T00:00:00Z`).toISOString() : undefined);
  return {
    source, since: day(opts.since), until: day(opts.until), maxRequests: opts.maxRequests as number | undefined,
    baseUrl: opts.baseUrl as string | undefined, timeoutMs: opts.timeout as number | undefined,
  };
}
