/**
 * The one config file (commsight.config.yaml, optional): a zod schema with embedded defaults,
 * so the demo runs with none. Secrets never live here: only in environment variables.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a time HH:MM");
/** A calendar date: the shape YYYY-MM-DD and a day that exists (2026-02-30 does not). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
const isoDate = z.string().refine(isCalendarDate, "expected a calendar date YYYY-MM-DD");
/** An IANA time zone this Node.js knows (America/New_York); the one check, used by every config section. */
export function isTimeZone(tz: string): boolean {
  try { new Intl.DateTimeFormat("en-US", { timeZone: tz }); return true; } catch { return false; }
}
export const TimeZone = z.string().refine(isTimeZone, "expected an IANA time zone such as America/New_York");
const timeZone = TimeZone;

export const Scale = z.enum(["small", "medium", "large"]);

/**
 * The config sections of the modules above core (privacy, text, staffing, sources, schedule, delivery,
 * rules) register themselves here (`registerConfigSection`), so core imports none of them: each
 * module adds its section's type to `ConfigSections` by declaration merging and its schema at load.
 * The application (pipelines/app/config.ts) imports every section module before parsing.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConfigSections {}
const sections = new Map<string, z.ZodType>();

/** `name` is a top-level key, or `parent.key` to add a key to a base section (e.g. models.staffing). */
export function registerConfigSection(name: string, schema: z.ZodType): void {
  sections.set(name, schema);
}

/** The sections registered so far (the app checks it has them all). */
export const registeredSections = (): string[] => [...sections.keys()];

export const BaseConfigSchema = z.strictObject({
  business: z.strictObject({
    name: z.string().default("Acme Home Services"),
    timezone: timeZone.default("America/New_York"),
    open: hhmm.default("08:00"),
    close: hhmm.default("20:00"),
  }).prefault({}),
  paths: z.strictObject({
    /** Where runs write; relative paths are taken from the working directory. */
    data: z.string().default("data"),
  }).prefault({}),
  demo: z.strictObject({
    scale: Scale.default("small"),
    seed: z.number().int().nonnegative().default(42),
    /** Last day of generated data (fixed so the same seed gives the same bytes). */
    endDate: isoDate.default("2026-11-15"),
    years: z.number().positive().max(5).default(2),
    enabled: z.boolean().default(true),
  }).prefault({}),
  transform: z.strictObject({
    /** Service level: share of answered calls answered within this many seconds. */
    serviceLevelSeconds: z.number().int().positive().default(20),
    /** A contact's repeat attempt within this many days belongs to the same case (first-contact resolution). */
    fcrWindowDays: z.number().int().positive().default(7),
  }).prefault({}),
  attribution: z.strictObject({
    /** Marketing campaigns by the phone numbers (E.164 or PN ids) that advertise them. */
    campaigns: z.array(z.strictObject({
      name: z.string().min(1),
      numbers: z.array(z.string().min(1)).min(1),
      from: isoDate.optional(),
      to: isoDate.optional(),
    })).default([]),
  }).prefault({}),
  models: z.strictObject({
    churn: z.strictObject({
      /** explicit: a boolean contact custom field says who churned; inactivity: no contact for N days. */
      label: z.discriminatedUnion("kind", [
        z.strictObject({
          kind: z.literal("explicit"),
          field: z.string().default("churned"),
          /** A contact is labelled a churner when the field's date falls within this many days after the snapshot. */
          horizonDays: z.number().int().positive().default(14),
        }),
        z.strictObject({ kind: z.literal("inactivity"), days: z.number().int().positive().default(90) }),
      ]).default({ kind: "explicit", field: "churned", horizonDays: 14 }),
      epochs: z.number().int().positive().default(60),
      seed: z.number().int().default(7),
    }).prefault({}),
    forecast: z.strictObject({
      horizonDays: z.number().int().positive().default(14),
      holdoutDays: z.number().int().positive().default(28),
      epochs: z.number().int().positive().default(200),
      seed: z.number().int().default(7),
    }).prefault({}),
  }).prefault({}),
  report: z.strictObject({
    /** The report covers the ISO week ending on this date (default: the last full week in the data). */
    weekEnding: isoDate.optional(),
    /** Path to a Chromium/Chrome binary; default: found on PATH (chromium, chromium-browser, google-chrome). */
    chromiumPath: z.string().optional(),
  }).prefault({}),
});

export type Config = z.infer<typeof BaseConfigSchema> & ConfigSections;

/** The whole config schema: the base sections and every registered one. */
export function configSchema(): z.ZodType<Config> {
  if (sections.size === 0) throw new Error("no config sections are registered: import pipelines/app/config.ts (the CLI does) before parsing a config");
  const top: Record<string, z.ZodType> = {};
  const nested = new Map<string, Record<string, z.ZodType>>();
  for (const [name, schema] of sections) {
    const [parent, key] = name.split(".");
    if (key === undefined) top[parent!] = schema;
    else nested.set(parent!, { ...nested.get(parent!), [key]: schema });
  }
  const shape = BaseConfigSchema.shape as Record<string, z.ZodType>;
  for (const [parent, keys] of nested) {
    const base = shape[parent];
    if (!base) throw new Error(`config section ${parent} does not exist (registering ${Object.keys(keys).join(", ")})`);
    // A base section is a strict object behind .prefault({}): extend the object, keep the prefault.
    const inner = (base instanceof z.ZodObject ? base : (base as unknown as { _zod: { def: { innerType: z.ZodObject } } })._zod.def.innerType);
    top[parent] = inner.extend(keys).prefault({});
  }
  return BaseConfigSchema.extend(top) as unknown as z.ZodType<Config>;
}
export const DEFAULT_CONFIG_FILE = "commsight.config.yaml";

export class ConfigError extends Error {}

/** Parse an already-loaded object; errors name the key, the value and what was expected. */
export function parseConfig(raw: unknown, source = "config"): Config {
  const result = configSchema().safeParse(raw ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      // Name each unknown key with the nearest known one, never the whole object.
      const known = knownKeys(at);
      return issue.keys.map((k) => {
        const near = nearest(k, known);
        return `  ${[...at, k].join(".")}: unknown key${near ? `; did you mean ${[...at, near].join(".")}?` : known.length ? `; expected one of ${known.join(", ")}` : ""}`;
      });
    }
    const key = at.length ? at.join(".") : "(top level)";
    const input = "input" in issue ? issue.input : undefined;
    const got = input === undefined ? "nothing" : typeof input === "object" && input !== null ? (Array.isArray(input) ? "a list" : "a mapping") : JSON.stringify(input);
    return [`  ${key}: got ${got}; ${issue.message}`];
  });
  throw new ConfigError(`${source} is invalid:\n${lines.join("\n")}`);
}

/** The keys the schema allows at a path (for "did you mean"). */
function knownKeys(path: string[]): string[] {
  let schema: unknown = configSchema();
  for (const key of path) {
    schema = objectShape(schema)?.[key];
    if (!schema) return [];
  }
  return Object.keys(objectShape(schema) ?? {});
}

function objectShape(schema: unknown): Record<string, unknown> | null {
  let s = schema as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown } } } | undefined;
  for (let i = 0; i < 8 && s?._zod?.def; i++) {
    const def = s._zod.def;
    if (def.type === "object") return def.shape ?? null;
    s = (def.innerType ?? def.in) as typeof s;
  }
  return null;
}

/** The closest known key by edit distance (case-insensitive), when it is close enough to be a typo. */
export function nearest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Load the config file if there is one (or the one named), else the embedded defaults. */
export function loadConfig(file?: string, overrides: Record<string, unknown> = {}): Config {
  const path = resolve(file ?? DEFAULT_CONFIG_FILE);
  let raw: Record<string, unknown> = {};
  if (existsSync(path)) {
    const doc = parseDocument(readFileSync(path, "utf8"), { prettyErrors: true });
    if (doc.errors.length) {
      // YAML syntax: name the file, the line and the column, as a compiler does.
      const e = doc.errors[0]!;
      const pos = e.linePos?.[0];
      const what = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new ConfigError(`${path}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML syntax error: ${what}${pos ? ` (line ${pos.line}, column ${pos.col})` : ""}`);
    }
    const parsed = doc.toJS();
    if (parsed !== null && parsed !== undefined && (typeof parsed !== "object" || Array.isArray(parsed))) {
      throw new ConfigError(`${path}: expected a mapping of keys at the top level`);
    }
    raw = (parsed ?? {}) as Record<string, unknown>;
  } else if (file) {
    throw new ConfigError(`config file ${path} does not exist`);
  }
  return parseConfig(deepMerge(raw, overrides), existsSync(path) ? path : "the embedded default config");
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b)
      ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}
