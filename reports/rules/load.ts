/** Reading the rules file (or the embedded default set), with errors that name the key, the value and what was expected. */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError, type Config } from "../../pipelines/core/config.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { RulesFile } from "./schema.ts";

export const DEFAULT_RULES_FILE = "commsight.rules.yaml";
export const EMBEDDED_RULES = join(projectRoot, "reports", "rules", "default.rules.yaml");

/** The file the rules come from: rules.file, else ./commsight.rules.yaml when present, else the embedded set. */
export function rulesPath(config: Config): string {
  const configured = (config as { rules?: { file?: string } }).rules?.file;
  if (configured) {
    const p = resolve(configured);
    if (!existsSync(p)) throw new ConfigError(`rules.file ${p} does not exist`);
    return p;
  }
  return existsSync(resolve(DEFAULT_RULES_FILE)) ? resolve(DEFAULT_RULES_FILE) : EMBEDDED_RULES;
}

export function parseRules(raw: unknown, source: string): RulesFile {
  const result = RulesFile.safeParse(raw ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.length ? issue.path.join(".") : "(top level)";
    // The value at the issue's path in the file as written (custom checks would otherwise echo the whole parsed rule).
    const at = issue.path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[k as string] : undefined), raw);
    const got = at !== undefined && (typeof at !== "object" || at === null) ? JSON.stringify(at) : "input" in issue && issue.input !== undefined && typeof issue.input !== "object" ? JSON.stringify(issue.input) : at === undefined ? "nothing" : "a mapping";
    return `  ${key}: got ${got}; ${issue.message}`;
  });
  throw new ConfigError(`${source} is invalid:\n${lines.join("\n")}`);
}

export function loadRules(config: Config): { file: string; rules: RulesFile } {
  const file = rulesPath(config);
  return { file, rules: parseRules(parseYaml(readFileSync(file, "utf8")), file) };
}
