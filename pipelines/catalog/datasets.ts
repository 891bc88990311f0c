/**
 * The catalog: every dataset Commsight holds, declared once. Raw entities are declared by their zod
 * record schemas (catalog/raw.ts, with column descriptions and PII classes on the schema), enriched
 * entities likewise (catalog/enriched.ts), SQL marts by the YAML contract beside their model
 * (transforms/marts/**.yml), prediction marts by the contract beside the model that writes them
 * (models/<model>/<mart>.yml), exports below. Everything that lists datasets derives from this:
 * the stage graph, the schedule's selections, the extract and transform inputs, the warehouse views
 * and their comments, retention, the data dictionary and the PII rules.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, type Paths } from "../core/paths.ts";
import { loadContract, type Contract } from "./contract.ts";
import { duckdbColumns } from "./duckdbTypes.ts";
import { ENRICHED } from "./enriched.ts";
import { columnMeta, type Pii } from "./meta.ts";
import { loadProject, topoSort, type Model } from "./project.ts";
import { lakeColumns, MERGE_ENTITIES, isPartitioned } from "./raw.ts";

/** Where a dataset lives and which schema of the warehouse shows it. */
export type Zone = "raw" | "enriched" | "marts" | "exports";
/** What a dataset is, for people: a landed record, an analysed text, a mart built in SQL, a model's prediction, a file for people. */
export type Kind = "raw" | "enriched" | "mart" | "prediction" | "export";
/** The stages of the graph, in an order that respects it (pipelines/app/graph.ts derives the edges and runs them). */
export const STAGES = ["extract", "enrich", "retention", "transform", "train-churn", "train-forecast", "train-opportunity", "outreach", "report", "alerts"] as const;
export type Stage = (typeof STAGES)[number];

export type Column = { name: string; type: string; description: string; pii: Pii };

export type Dataset = {
  /** `zone.name`, e.g. raw.calls, enriched.call_texts, marts.calls, marts.churn_risk, exports.leadership_report. */
  id: string;
  name: string;
  zone: Zone;
  kind: Kind;
  description: string;
  grain: string | null;
  columns: Column[];
  key: string[];
  /** The hive partition column (`date` for day partitions), or null. */
  partitionBy: string | null;
  producer: Stage;
  /** Ids of the datasets it is computed from. */
  inputs: string[];
  /** The retention purpose it is declared for (days come from privacy.retention.purposes), or null. */
  purpose: string | null;
  /** Raw: the entities an enriched one derives from (it is kept no longer than the shortest of them). */
  derivedFrom: string[];
  /** Some column can identify a person (raw PII), so analysts see it only through its safe columns. */
  pii: boolean;
  /** The file that declares it, from the project root. */
  declaredIn: string;
  /** Marts and prediction marts: their contract (columns, data tests), checked before they are written. */
  contract: Contract | null;
};

export const TRANSFORMS_DIR = join(projectRoot, "transforms");
export const MODELS_DIR = join(projectRoot, "models");

const LINEAGE: Column[] = [
  { name: "_extra", type: "JSON", description: "Fields the source sent that the schema does not know yet (schema drift), as JSON.", pii: "free_text" },
  { name: "_source_file", type: "VARCHAR", description: "The file (or API page, webhook batch) the record was landed from.", pii: "none" },
  { name: "_source_line", type: "BIGINT", description: "The record's line in that file.", pii: "none" },
];
const DATE: Column = { name: "date", type: "DATE", description: "The UTC day partition the record lives in.", pii: "none" };

function zodColumns(schema: Parameters<typeof columnMeta>[0]): Column[] {
  const types = duckdbColumns(schema);
  return columnMeta(schema).map((c) => ({ ...c, type: types[c.name]! }));
}

function rawDatasets(): Dataset[] {
  return MERGE_ENTITIES.map((e) => {
    const partitioned = isPartitioned(e);
    const cols = zodColumns(e.schema);
    const lake = lakeColumns(e);
    for (const c of LINEAGE) if (c.name in lake) cols.push(c);
    if (partitioned) cols.push(DATE);
    return {
      id: `raw.${e.name}`, name: e.name, zone: "raw", kind: "raw", description: e.description, grain: null,
      columns: cols, key: e.key, partitionBy: partitioned ? "date" : null, producer: "extract", inputs: [],
      purpose: e.purpose ?? null, derivedFrom: [], pii: cols.some((c) => c.pii !== "none"), declaredIn: "pipelines/catalog/raw.ts", contract: null,
    } satisfies Dataset;
  });
}

function enrichedDatasets(): Dataset[] {
  return ENRICHED.map((e) => {
    const cols = [...zodColumns(e.schema), { ...DATE, description: "The UTC day partition of the raw record it was derived from." }];
    return {
      id: `enriched.${e.name}`, name: e.name, zone: "enriched", kind: "enriched", description: e.description, grain: null,
      columns: cols, key: e.key, partitionBy: "date", producer: "enrich",
      inputs: [...e.from, "contacts"].map((f) => `raw.${f}`), purpose: null, derivedFrom: e.from,
      pii: cols.some((c) => c.pii !== "none"), declaredIn: "pipelines/catalog/enriched.ts", contract: null,
    } satisfies Dataset;
  });
}

function contractColumns(c: Contract): Column[] {
  return c.columns.map((x) => ({ name: x.name, type: x.type, description: x.description, pii: "none" as Pii }));
}

/** A mart's inputs: the raw and enriched entities and marts its SQL reaches through staging and intermediate models. */
function martInputs(model: Model, byName: Map<string, Model>, raw: Set<string>): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  // Staging and intermediate models are in-memory steps of the transform: look through them.
  const visit = (m: Model) => {
    if (seen.has(m.name)) return;
    seen.add(m.name);
    for (const s of m.sources) out.add(raw.has(s) ? `raw.${s}` : `enriched.${s}`);
    for (const r of m.refs) {
      const dep = byName.get(r)!;
      if (dep.layer === "marts") out.add(`marts.${dep.name}`);
      else visit(dep);
    }
  };
  visit(model);
  return [...out].sort();
}

function martDatasets(dir: string): Dataset[] {
  const models = topoSort(loadProject(dir));
  const byName = new Map(models.map((m) => [m.name, m]));
  const raw = new Set(MERGE_ENTITIES.map((e) => e.name));
  return models.filter((m) => m.layer === "marts").map((m) => {
    if (!m.contract) throw new Error(`transforms/${m.file}: a mart needs a contract (transforms/${m.file.replace(/\.sql$/, ".yml")})`);
    const key = m.contract.tests.flatMap((t) => ("unique_combination" in t ? [t.unique_combination] : []))[0]
      ?? m.contract.columns.filter((c) => c.tests.includes("unique")).map((c) => c.name);
    return {
      id: `marts.${m.name}`, name: m.name, zone: "marts", kind: "mart", description: m.contract.description, grain: m.contract.grain ?? null,
      columns: contractColumns(m.contract), key, partitionBy: m.partitionBy, producer: "transform",
      inputs: martInputs(m, byName, raw), purpose: null, derivedFrom: [], pii: false, declaredIn: `transforms/${m.file.replace(/\.sql$/, ".yml")}`, contract: m.contract,
    } satisfies Dataset;
  });
}

/** Prediction marts: `models/<model>/<mart>.yml`, contracts with produced_by, key, partition_by and reads. */
function predictionDatasets(dir: string): Dataset[] {
  const out: Dataset[] = [];
  if (!existsSync(dir)) return out;
  for (const model of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const folder = join(dir, model);
    for (const f of readdirSync(folder).filter((x) => x.endsWith(".yml")).sort()) {
      const c = loadContract(join(folder, f.replace(/\.yml$/, ".sql")));
      if (!c) continue;
      const producer = c.produced_by as Stage | undefined;
      if (!producer || !(STAGES as readonly string[]).includes(producer)) {
        throw new Error(`models/${model}/${f}: produced_by must name a stage (${STAGES.join(", ")})`);
      }
      const name = c.name ?? f.replace(/\.yml$/, "");
      out.push({
        id: `marts.${name}`, name, zone: "marts", kind: "prediction", description: c.description, grain: c.grain ?? null,
        columns: contractColumns(c), key: c.key ?? [], partitionBy: c.partition_by ?? null, producer,
        inputs: (c.reads ?? []).map((r) => (r.includes(".") ? r : `marts.${r}`)), purpose: null, derivedFrom: [], pii: false,
        declaredIn: `models/${model}/${f}`, contract: c,
      });
    }
  }
  return out;
}

/** Files for people: the reports and the alert actions. Not in the warehouse. */
function exportDatasets(): Dataset[] {
  const exp = (name: string, description: string, producer: Stage, inputs: string[]): Dataset => ({
    id: `exports.${name}`, name, zone: "exports", kind: "export", description, grain: null, columns: [], key: [], partitionBy: null,
    producer, inputs, purpose: null, derivedFrom: [], pii: false, declaredIn: "pipelines/catalog/datasets.ts", contract: null,
  });
  return [
    exp("leadership_report", "The weekly and monthly leadership PDF (data/reports/leadership-*.pdf), e-mailed to its subscribers.", "report",
      ["marts.kpi_weekly", "marts.daily_volume", "marts.service_level_interval", "marts.satisfaction", "marts.fcr", "marts.transfers_weekly",
        "marts.ivr_funnel", "marts.topic_daily", "marts.emerging_topics", "marts.sentiment_daily", "marts.churn_risk", "marts.volume_forecast", "marts.staffing"]),
    exp("staffing_plan", "The weekly staffing plan PDF and CSV (data/reports/staffing-*.pdf, .csv): agents needed per interval and line.", "report",
      ["marts.staffing", "marts.volume_forecast_interval", "marts.volume_forecast"]),
    exp("alert_actions", "Alerts fired by the rules (reports/rules) and the actions sent: Slack/webhook, e-mail, tasks, tags written back (data/runs/actions.jsonl).", "alerts",
      ["marts.kpi_weekly", "marts.service_level_interval", "marts.contact_tags", "marts.churn_risk", "marts.staffing", "marts.emerging_topics", "marts.outreach"]),
    exp("coaching_report", "The supervisors' weekly and monthly coaching PDF (data/reports/coaching-*.pdf): per agent the scorecard, the playbook behaviours used least and the calls to review.", "report",
      ["marts.agent_scorecard", "marts.playbook", "marts.agent_playbook_usage", "marts.calls_to_review"]),
    exp("outreach_list", "The phone team's weekly outreach CSV (data/exports/outreach-<week>.csv): who to call and why, pseudonymous ids unless configured otherwise.", "outreach",
      ["marts.outreach"]),
  ];
}

export type Catalog = { datasets: Dataset[]; get(id: string): Dataset; find(id: string): Dataset | undefined };

let cached: Catalog | null = null;

/** The whole catalog (read once per process: the declarations are files of the project). */
export function catalog(dirs: { transforms?: string; models?: string } = {}): Catalog {
  if (cached && !dirs.transforms && !dirs.models) return cached;
  const datasets = [...rawDatasets(), ...enrichedDatasets(), ...martDatasets(dirs.transforms ?? TRANSFORMS_DIR), ...predictionDatasets(dirs.models ?? MODELS_DIR), ...exportDatasets()];
  const byId = new Map<string, Dataset>();
  for (const d of datasets) {
    const prior = byId.get(d.id);
    if (prior) throw new Error(`dataset ${d.id} is declared twice: ${prior.declaredIn} and ${d.declaredIn}`);
    byId.set(d.id, d);
  }
  for (const d of datasets) {
    for (const i of d.inputs) if (!byId.has(i) && d.kind !== "export") throw new Error(`${d.declaredIn}: ${d.id} reads ${i}, which is no dataset`);
  }
  // Exports name the marts they show; a mart a deployment does not build is simply not an input.
  for (const d of datasets) if (d.kind === "export") d.inputs = d.inputs.filter((i) => byId.has(i));
  const c: Catalog = {
    datasets,
    find: (id) => byId.get(id),
    get: (id) => {
      const d = byId.get(id);
      if (!d) throw new Error(`no dataset ${id} in the catalog (known: ${[...byId.keys()].join(", ")})`);
      return d;
    },
  };
  if (!dirs.transforms && !dirs.models) cached = c;
  return c;
}

/** The folder a dataset's Parquet lives in. */
export function datasetDir(paths: Paths, d: Dataset): string {
  switch (d.zone) {
    case "raw": return join(paths.raw, d.name);
    case "enriched": return join(paths.enriched, d.name);
    case "marts": return join(paths.marts, d.name);
    case "exports": return paths.reports;
  }
}

/** The datasets of a zone (raw, enriched, marts) by name. */
export const names = (c: Catalog, zone: Zone): string[] => c.datasets.filter((d) => d.zone === zone).map((d) => d.name);
