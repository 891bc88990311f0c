/** What every command shares: loading the config with global overrides, and running under the ledger. */
import type { Command } from "commander";
import { loadConfig, type Config } from "../config.ts";
import { isCalendarDate } from "../../core/config.ts";
import { Run } from "../../core/ledger.ts";
import { lakePaths } from "../../core/paths.ts";
export { requireInputs } from "../inputs.ts";

export class UsageError extends Error {}

export function configFrom(cmd: Command, overrides: Record<string, unknown> = {}): Config {
  const g = cmd.optsWithGlobals<{ config?: string; data?: string }>();
  return loadConfig(g.config, { ...(g.data ? { paths: { data: g.data } } : {}), ...overrides });
}

/** Run one or more stages under the run ledger; a failure is recorded, then rethrown. */
export async function ledgered(config: Config, command: string, fn: (run: Run) => Promise<void>): Promise<void> {
  const run = new Run(lakePaths(config).ledger, command);
  try {
    await fn(run);
    run.finish();
  } catch (err) {
    run.finish(err);
    throw err;
  }
}

export function parseIntStrict(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new UsageError(`${name}: expected a whole number, got "${v}"`);
    return Number(v);
  };
}

export function parseDate(name: string) {
  return (v: string): string => {
    if (!isCalendarDate(v)) throw new UsageError(`${name}: expected a calendar date YYYY-MM-DD, got "${v}"`);
    return v;
  };
}
