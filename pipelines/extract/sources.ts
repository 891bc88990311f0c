/**
 * The incremental extract stage (`commsight extract --source …`): the OpenPhone API walk (with
 * webhook events), webhook events alone, or file drops; each merges into the lake by key and
 * reports rows read, landed, updated, unchanged and quarantined per entity to the run ledger.
 */
import type { Config } from "../core/config.ts";
import type { Run } from "../core/ledger.ts";
import { lakePaths } from "../core/paths.ts";
import type { FileSource } from "../sources/files/config.ts";
import { commitStreams, streamPaths } from "../lake/commit.ts";
import { finishRun, type IncrementalSummary } from "../lake/report.ts";

export type IngestOptions = {
  source: string;
  since?: string;
  until?: string;
  maxRequests?: number;
  baseUrl?: string;
  timeoutMs?: number;
};

const say = (line: string) => process.stdout.write(line + "\n");

export function fileSources(config: Config): FileSource[] {
  return (config as Config & { sources?: FileSource[] }).sources ?? [];
}

export async function extractIncremental(run: Run, config: Config, o: IngestOptions): Promise<void> {
  const paths = lakePaths(config);
  await run.stage("extract", async () => {
    let summary: IncrementalSummary;
    if (o.source === "openphone") {
      const { extractOpenPhone } = await import("../sources/openphone/extract.ts");
      const r = await extractOpenPhone(paths, o);
      summary = { source: "openphone", entities: r.entities, quarantined: r.quarantined, lines: r.lines, notes: r.notes };
    } else if (o.source === "webhooks") {
      const { webhookStream } = await import("../sources/webhook/events.ts");
      const r = await commitStreams(paths, [webhookStream(streamPaths(paths, "webhooks"))]);
      summary = { source: "webhooks", ...r, notes: r.lines ? [] : ["no webhook events waiting in the landing zone"] };
    } else {
      const { importSources } = await import("../sources/files/import.ts");
      const all = fileSources(config);
      const chosen = o.source === "files" ? all : all.filter((s) => s.name === o.source);
      summary = await importSources(paths, chosen);
    }
    return finishRun(paths, summary, say);
  });
}
