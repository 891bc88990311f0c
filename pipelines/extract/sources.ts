/**
 * The extract stage. `extractConfigured` (`commsight extract`, the stage graph, the schedule) is
 * one extract over every configured source, in order: the demo folder (when `demo.enabled`), the
 * webhook events waiting in the landing zone, every file-drop source (`sources:`), and the
 * OpenPhone API when OPENPHONE_API_KEY is set. `extractIncremental` (`--source …`) is one of them.
 * Each merges into the lake by key, so none replaces what another landed; the run ledger gets one
 * "extract" stage with the rows read, landed, updated, unchanged and quarantined per entity.
 */
import { existsSync, readdirSync } from "node:fs";
import type { Config } from "../core/config.ts";
import type { Run, StageResult } from "../core/ledger.ts";
import { lakePaths, type Paths } from "../core/paths.ts";
import type { FileSource } from "../sources/files/config.ts";
import { commitStreams, streamPaths, type CommitResult } from "../lake/commit.ts";
import type { EntityResult } from "../lake/lake.ts";
import { finishRun, sumResults, type IncrementalSummary } from "../lake/report.ts";
import type { Quarantined } from "../lake/validate.ts";
import { changedEntities, extractFiles } from "./index.ts";
import { byReason, readerLimits } from "../lake/quarantine.ts";
import { applyIngest, type IngestConfig } from "../sources/files/config.ts";
import { lastRetention, rawCutoffs } from "../retention/retention.ts";
import { today } from "../core/clock.ts";

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

/** Readers' limits and the plausible window from the config, unless a command already set them (`--strict`). */
function ingestSettings(config: Config): void {
  const strict = readerLimits.strict;
  applyIngest((config as Config & { ingest?: IngestConfig }).ingest, strict || undefined);
}

/** After the summary: the quarantined count by reason; with `--strict`, any of it fails the stage. */
export function quarantineVerdict(items: { reason: string }[]): string | null {
  if (!items.length) return null;
  const line = `quarantined ${items.length.toLocaleString("en-US")} by reason: ${byReason(items)}`;
  say(`  ${line}`);
  return readerLimits.strict ? `extract --strict: ${line}` : null;
}

export async function extractIncremental(run: Run, config: Config, o: IngestOptions): Promise<void> {
  const paths = lakePaths(config);
  ingestSettings(config);
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
    const out = finishRun(paths, summary, say);
    const strict = quarantineVerdict(summary.quarantined);
    if (strict) throw new Error(strict);
    return out;
  });
}

/** Options of the API walk, when OPENPHONE_API_KEY makes it one of the configured sources. */
export type ConfiguredOptions = Omit<IngestOptions, "source">;

/** What one configured source did: rows landed + updated, its notes, or why it failed. */
export type SourceOutcome = { source: string; ran: boolean; landed: number; updated: number; notes: string[]; error?: string };

export type ConfiguredSummary = StageResult & {
  rowsIn: number;
  rowsOut: number;
  /** Per entity, summed over the sources. */
  entities: EntityResult[];
  sources: SourceOutcome[];
  /** Rows landed + updated per entity (entities with none left out). */
  arrived: Record<string, number>;
  /** Whether anything new arrived (a row landed or updated), and in which entities. */
  changed: boolean;
  changedEntities: string[];
};

type Part = { result: CommitResult; notes: string[]; reconciliation?: IncrementalSummary["reconciliation"]; elsewhere?: { files: string[]; items: Quarantined[] } };

/**
 * Once retention has deleted from this data folder, the folder extract leaves records past their
 * retention period out (as of the day retention counts from), so it never re-lands what retention
 * deleted. Before that (`commsight demo` lands the whole history, and never runs retention) it
 * lands everything the folder holds.
 */
function expiry(config: Config, paths: Paths): { expireBefore?: Record<string, string> } {
  return lastRetention(paths) ? { expireBefore: rawCutoffs(config, today()) } : {};
}

/** Landing-zone segments (sealed, or open: a listener's, or one a dead listener left for the commit to seal). */
const segments = (dir: string) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".ndjson"));

/** The configured sources, in the order they are extracted; `skip` (asked at its turn) says why one has nothing to do. */
function steps(config: Config, paths: Paths, opts: ConfiguredOptions): { source: string; skip: () => string | null; run: () => Promise<Part> }[] {
  const files = fileSources(config);
  const webhooks = streamPaths(paths, "webhooks");
  return [
    {
      source: "demo",
      skip: () => !config.demo.enabled ? "disabled (demo.enabled: false)"
        : !existsSync(paths.demoSource) ? `${paths.demoSource} does not exist (run \`commsight generate\`), skipped` : null,
      run: async () => {
        const r = await extractFiles(paths, paths.demoSource, undefined, { strict: false, ...expiry(config, paths) });
        const entities = r.entities.filter((e) => e.files > 0).map(({ entity, read, landed, updated, unchanged, quarantined, partitions, held, conflicts, expired, filesRead }) =>
          ({ entity, read, landed, updated, unchanged, quarantined, partitions, filesRead, ...(held ? { held } : {}), ...(conflicts ? { conflicts } : {}), ...(expired ? { expired } : {}) }));
        const files_ = r.entities.flatMap((e) => (e.quarantineFile ? [e.quarantineFile] : []));
        return { result: { entities, quarantined: [], lines: r.rowsIn }, notes: r.notes, elsewhere: { files: files_, items: r.quarantined } };
      },
    },
    {
      source: "webhooks",
      skip: () => (segments(webhooks.dir) ? null : "no events waiting in the landing zone"),
      run: async () => {
        const { webhookStream } = await import("../sources/webhook/events.ts");
        const r = await commitStreams(paths, [webhookStream(webhooks)]);
        return { result: r, notes: [`${r.lines.toLocaleString("en-US")} landed lines`] };
      },
    },
    {
      source: "files",
      skip: () => (files.length ? null : "no file-drop sources are configured (sources: in the config)"),
      run: async () => {
        const { importSources } = await import("../sources/files/import.ts");
        const r = await importSources(paths, files);
        return { result: r, notes: r.notes, reconciliation: r.reconciliation };
      },
    },
    {
      source: "openphone",
      skip: () => (process.env.OPENPHONE_API_KEY ? null : "OPENPHONE_API_KEY is not set, skipped"),
      run: async () => {
        const { extractOpenPhone } = await import("../sources/openphone/extract.ts");
        const r = await extractOpenPhone(paths, opts);
        return { result: r, notes: r.notes };
      },
    },
  ];
}

/**
 * One extract over every configured source, each merged in turn. A source that fails does not
 * stop the others; the stage fails after all have run, naming it.
 */
export async function extractConfigured(run: Run, config: Config, opts: ConfiguredOptions = {}): Promise<ConfiguredSummary> {
  const paths = lakePaths(config);
  ingestSettings(config);
  return run.stage("extract", async () => {
    const parts: Part[] = [];
    const sources: SourceOutcome[] = [];
    for (const step of steps(config, paths, opts)) {
      const skip = step.skip();
      if (skip) {
        sources.push({ source: step.source, ran: false, landed: 0, updated: 0, notes: [skip] });
        continue;
      }
      try {
        const part = await step.run();
        parts.push(part);
        const sum = (k: "landed" | "updated") => part.result.entities.reduce((n, e) => n + e[k], 0);
        sources.push({ source: step.source, ran: true, landed: sum("landed"), updated: sum("updated"), notes: part.notes });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        sources.push({ source: step.source, ran: false, landed: 0, updated: 0, notes: [`failed: ${error}`], error });
      }
    }
    const total = sumResults(parts.map((p) => p.result));
    const heldBack = parts.flatMap((p) => p.result.entities).filter((e) => e.held);
    const notes = sources.map((s) => `${s.source}: ${s.ran ? `landed ${s.landed}, updated ${s.updated}` : ""}${s.ran && s.notes.length ? "; " : ""}${s.notes.join("; ")}`);
    if (!parts.length) notes.push("nothing extracted: no configured source had anything to land");
    if (heldBack.length) notes.push(`held back, their parent not landed yet (retried every run): ${heldBack.map((e) => `${e.entity} ${e.held}`).join(", ")}`);
    const elsewhere = parts.flatMap((p) => (p.elsewhere ? [p.elsewhere] : []));
    const summary: IncrementalSummary = {
      ...total, source: "configured", notes,
      reconciliation: parts.flatMap((p) => p.reconciliation ?? []),
      quarantinedElsewhere: { files: elsewhere.flatMap((e) => e.files), items: elsewhere.flatMap((e) => e.items) },
    };
    const ledger = finishRun(paths, summary, say);
    const strict = quarantineVerdict([...summary.quarantinedElsewhere!.items, ...summary.quarantined]);
    const failed = sources.filter((s) => s.error);
    if (failed.length) throw new Error(`extract: ${failed.map((s) => `${s.source} failed: ${s.error}`).join("; ")}`);
    if (strict) throw new Error(strict);
    const changed = changedEntities(total.entities);
    return {
      ...ledger,
      rowsIn: total.entities.reduce((n, e) => n + e.read, 0),
      entities: total.entities, sources,
      arrived: Object.fromEntries(total.entities.filter((e) => e.landed + e.updated > 0).map((e) => [e.entity, e.landed + e.updated])),
      changed: changed.length > 0, changedEntities: changed,
    };
  });
}
