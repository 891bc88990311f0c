/** Run the real `commsight` command (pipelines/bin/commsight.mjs) in a child process, as a user would. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../pipelines/core/paths.ts";

export const BIN = join(projectRoot, "pipelines", "bin", "commsight.mjs");

export type CliResult = { code: number; stdout: string; stderr: string };

export function commsight(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, COMMSIGHT_LOG_LEVEL: undefined, COMMSIGHT_LOG_FORMAT: undefined, COMMSIGHT_DEBUG: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? projectRoot, env: env as NodeJS.ProcessEnv, input: opts.input ?? "", encoding: "utf8", timeout: opts.timeoutMs ?? 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Lines that look like a stack trace frame. */
export const STACK = /^\s+at .+[:(]/m;
/** A JSON log line (what the logs were outside a terminal before --log-format). */
export const JSON_LINE = /^\{.*"level"/m;
