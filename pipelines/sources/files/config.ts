/**
 * File drops (`sources:` in commsight.config.yaml): exports of other phone systems, survey tools
 * and call-flow logs (CSV, TSV, NDJSON, JSON), each with a declarative mapping from its columns to
 * the canonical records. A mapping may sit inline or in its own YAML file (`mapping: path.yaml`).
 */
import { z } from "zod";
import { registerConfigSection, TimeZone } from "../../core/config.ts";
import { setPlausibility } from "../../catalog/meta.ts";
import { setReaderLimits } from "../../lake/quarantine.ts";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const timeZone = TimeZone;

/** A row condition on source columns; several operators in one object must all hold. */
export type Condition =
  | { column: string; equals?: string | number; notEquals?: string | number; in?: (string | number)[]; notIn?: (string | number)[];
      lessThan?: number; greaterThan?: number; empty?: boolean }
  | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const Condition: z.ZodType<Condition> = z.lazy(() => z.union([
  z.strictObject({
    column: z.string(),
    equals: z.union([z.string(), z.number()]).optional(), notEquals: z.union([z.string(), z.number()]).optional(),
    in: z.array(z.union([z.string(), z.number()])).optional(), notIn: z.array(z.union([z.string(), z.number()])).optional(),
    lessThan: z.number().optional(), greaterThan: z.number().optional(), empty: z.boolean().optional(),
  }),
  z.strictObject({ all: z.array(Condition) }),
  z.strictObject({ any: z.array(Condition) }),
  z.strictObject({ not: Condition }),
]));

/** How one canonical field gets its value. A bare string is a column name. */
export type FieldSpec =
  | string
  | { column: string; map?: Record<string, string | number | boolean | null>; when?: Condition }
  | { const: string | number | boolean | null | (string | number | boolean)[]; when?: Condition }
  | { template: string; when?: Condition }
  | { time: string; date?: string; after?: string; when?: Condition }
  | { timestamp: string; format?: string; when?: Condition }
  | { firstOf: FieldSpec[]; when?: Condition }
  | { list: FieldSpec[]; when?: Condition }
  | { secondsBetween: [string, string]; when?: Condition };

const when = { when: Condition.optional() };
export const FieldSpec: z.ZodType<FieldSpec> = z.lazy(() => z.union([
  z.string(),
  /** A column, optionally through a value map (`default` catches values the map does not list). */
  z.strictObject({ column: z.string(), map: z.record(z.string(), scalar).optional(), ...when }),
  z.strictObject({ const: z.union([scalar, z.array(z.union([z.string(), z.number(), z.boolean()]))]), ...when }),
  /** "AC{date}-{call_id}": columns in braces; null when any of them is. */
  z.strictObject({ template: z.string(), ...when }),
  /** A clock time (and the date column it belongs to); a time more than 12 h before `after` is the next day. */
  z.strictObject({ time: z.string(), date: z.string().optional(), after: z.string().optional(), ...when }),
  /** A full timestamp column; without `format`, ISO 8601 (an offset is honoured, else the source's time zone). */
  z.strictObject({ timestamp: z.string(), format: z.string().optional(), ...when }),
  z.strictObject({ firstOf: z.array(FieldSpec).min(1), ...when }),
  z.strictObject({ list: z.array(FieldSpec), ...when }),
  /** Whole seconds between two timestamp fields of the same record. */
  z.strictObject({ secondsBetween: z.tuple([z.string(), z.string()]), ...when }),
]));

const Fields = z.record(z.string(), FieldSpec);

export const Target = z.strictObject({
  /** Fields of every record of this target. */
  fields: Fields.default({}),
  /** Several records per source row (e.g. call-flow events): each adds its fields to `fields`. */
  rows: z.array(z.strictObject({ when: Condition.optional(), fields: Fields })).optional(),
  /** Source columns no field uses are kept in `_extra` (JSON), so a new column is never lost. */
  keepUnmapped: z.boolean().default(true),
});

export const Mapping = z.strictObject({
  format: z.enum(["csv", "tsv", "ndjson", "json"]).optional(),
  csv: z.strictObject({ delimiter: z.string().optional(), header: z.boolean().default(true), quote: z.string().optional() }).prefault({}),
  /** Time zone of wall-clock times in the file. */
  timezone: timeZone.default("UTC"),
  /** strptime formats for `{date, time}` fields. */
  timestamps: z.strictObject({ date: z.string().default("%Y-%m-%d"), time: z.string().default("%H:%M:%S") }).prefault({}),
  /** The default line: landed as a phone number; records without a phoneNumberId get its id. */
  line: z.strictObject({
    id: z.string().regex(/^PN(.*)$/, "expected a phone number id (PN...)"),
    name: z.string(),
    number: z.string().regex(/^\+[1-9]\d{1,14}$/, "expected an E.164 phone number"),
    createdAt: z.iso.datetime({ offset: true }).default("1970-01-01T00:00:00Z"),
  }).optional(),
  /** Rows refused before mapping, each with its reason ("{column}" shows a value). */
  reject: z.array(z.strictObject({ when: Condition, reason: z.string() })).default([]),
  targets: z.record(z.string(), Target).refine((t) => Object.keys(t).length > 0, "a mapping needs at least one target"),
});
export type Mapping = z.infer<typeof Mapping>;

export const FileSource = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a lower-case name (letters, digits, - and _)"),
  /** A file, or a folder whose files are imported (new or changed ones only). */
  path: z.string(),
  /** The mapping, or the path of a YAML file holding it. */
  mapping: z.union([z.string(), Mapping]),
});
export type FileSource = z.infer<typeof FileSource>;

export const SourcesSchema = z.array(FileSource).refine((s) => new Set(s.map((x) => x.name)).size === s.length, "source names must be unique");

/** File drops (CSV, TSV, NDJSON, JSON) and how their columns map to the canonical records. */
const SourcesSection = SourcesSchema.default([]);
declare module "../../core/config.ts" {
  interface ConfigSections { sources: FileSource[] }
}
registerConfigSection("sources", SourcesSection);

/**
 * What every reader accepts (`ingest:` in the config): the plausible window of event times, record
 * and field size limits, symlinks, how long an orphan waits for its parent, entities an empty file
 * may leave without records, and whether any quarantined record fails the run (`--strict`).
 */
export const IngestSchema = z.strictObject({
  /** The business's first day (YYYY-MM-DD): event times before it minus `marginDays` are implausible. */
  businessStart: z.iso.date().optional(),
  marginDays: z.number().int().min(0).default(365),
  /** Without a business start: the earliest plausible event time. */
  earliest: z.iso.date().default("1990-01-01"),
  /** How far ahead of now an event time may lie (clock drift, time zones). */
  aheadHours: z.number().min(0).default(24),
  maxRecordBytes: z.number().int().min(1024).default(4 << 20),
  maxFieldChars: z.number().int().min(64).default(256 << 10),
  /** Follow symlinks that resolve inside the source folder (never outside it). */
  allowSymlinks: z.boolean().default(false),
  /** How long a record whose parent has not landed is held back (retried every run) before it is quarantined. */
  orphanWaitHours: z.number().min(0).default(48),
  /** Entities whose files may hold no records at all (else an empty entity's files are refused, and said so). */
  allowEmpty: z.array(z.string()).default([]),
  /** Fail the extract when anything was quarantined (also `--strict`). */
  strict: z.boolean().default(false),
}).prefault({});
export type IngestConfig = z.infer<typeof IngestSchema>;
declare module "../../core/config.ts" {
  interface ConfigSections { ingest: IngestConfig }
}
registerConfigSection("ingest", IngestSchema);

/** The earliest plausible event time of a config (the business start minus the margin, else `earliest`). */
export function earliestOf(c: IngestConfig): string {
  if (!c.businessStart) return `${c.earliest}T00:00:00Z`;
  return new Date(Date.parse(`${c.businessStart}T00:00:00Z`) - c.marginDays * 86_400_000).toISOString();
}

/** Set the readers' limits and the catalog's plausible window from a config (before any extract reads). */
export function applyIngest(c: IngestConfig | undefined, strict?: boolean): void {
  const i = c ?? IngestSchema.parse({});
  setPlausibility({ earliest: earliestOf(i), aheadMs: i.aheadHours * 3_600_000 });
  setReaderLimits({
    maxRecordBytes: i.maxRecordBytes, maxFieldChars: i.maxFieldChars, allowSymlinks: i.allowSymlinks,
    orphanWaitMs: i.orphanWaitHours * 3_600_000, allowEmpty: i.allowEmpty, strict: strict ?? i.strict,
  });
}
