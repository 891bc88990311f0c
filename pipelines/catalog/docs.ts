/**
 * The data dictionary, docs/marts.md, generated from the catalog: every dataset (raw, enriched, mart,
 * prediction, export), what a row is, what each column means, who produces it from what, how long it
 * is kept and whether it can identify a person; and the tests that guard the contracted ones.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { projectRoot } from "../core/paths.ts";
import type { ColumnTest, Contract } from "./contract.ts";
import { catalog, TRANSFORMS_DIR, type Dataset, type Kind } from "./datasets.ts";
import { loadProject, topoSort, type Model } from "./project.ts";

export const DOCS_FILE = join(projectRoot, "docs", "marts.md");

function testText(t: ColumnTest): string {
  if (typeof t === "string") return t;
  if ("accepted_values" in t) return `one of ${t.accepted_values.join(", ")}`;
  if ("relationships" in t) return `in ${t.relationships.to}.${t.relationships.field}`;
  return `range ${t.range.min ?? "−∞"}..${t.range.max ?? "∞"}`;
}

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
const anchor = (d: Dataset) => d.id.replace(".", "-");

const KIND_TITLE: Record<Kind, string> = {
  raw: "Raw entities (data/lake/raw)",
  enriched: "Enriched entities (data/lake/enriched)",
  mart: "Marts (data/lake/marts, built in SQL)",
  prediction: "Prediction marts (data/lake/marts, written by the models)",
  export: "Exports (files for people)",
};

function where(d: Dataset): string {
  switch (d.kind) {
    case "raw":
      return d.pii
        ? `\`raw.${d.name}\` in \`data/warehouse.duckdb\` shows only the columns marked PII none; the lake keeps all of them (\`data/lake/raw/${d.name}/\`)`
        : `\`raw.${d.name}\` in \`data/warehouse.duckdb\`, or \`data/lake/raw/${d.name}/\``;
    case "enriched": return `\`enriched.${d.name}\` in \`data/warehouse.duckdb\`, or \`data/lake/enriched/${d.name}/\``;
    case "mart": case "prediction": return `\`SELECT * FROM ${d.name}\` in \`data/warehouse.duckdb\`, or \`data/lake/marts/${d.name}/\``;
    case "export": return "`data/reports/`";
  }
}

function contractTests(c: Contract | null | undefined, col: string): string {
  return c?.columns.find((x) => x.name === col)?.tests.map(testText).join("; ") ?? "";
}

function section(d: Dataset, contract: Contract | null): string {
  const lines = [
    `## ${d.id}`, "", `<a id="${anchor(d)}"></a>`, "",
    cell(d.description), "",
    ...(d.grain ? [`- Grain: ${d.grain}`] : []),
    ...(d.key.length ? [`- Key: ${d.key.map((k) => `\`${k}\``).join(", ")}`] : []),
    `- Produced by: the \`${d.producer}\` stage${d.partitionBy ? `, partitioned by \`${d.partitionBy}\`` : ""}; declared in \`${d.declaredIn}\``,
    `- Reads: ${d.inputs.map((i) => `\`${i}\``).join(", ") || "the configured sources (API, webhooks, file drops; the demo folder in demo mode)"}`,
    `- Kept: ${d.purpose ? `for its purpose "${d.purpose}" (days in \`privacy.retention.purposes\`)` : d.derivedFrom.length ? `no longer than the shortest-kept of ${d.derivedFrom.map((f) => `raw.${f}`).join(", ")}` : d.kind === "raw" ? "until a purpose names it (privacy.retention)" : "rebuilt from its inputs each run"}`,
    `- Read it: ${where(d)}`,
  ];
  if (d.columns.length) {
    const pii = d.kind === "raw" || d.kind === "enriched";
    lines.push("", `| column | type | meaning |${pii ? " PII |" : " tests |"}`, `|---|---|---|---|`,
      ...d.columns.map((c) => `| \`${c.name}\` | ${c.type} | ${cell(c.description)} | ${pii ? c.pii : contractTests(contract, c.name)} |`));
  }
  if (contract?.tests.length) {
    lines.push("", "Row tests:", ...contract.tests.map((t) => ("expression" in t ? `- ${cell(t.description ?? t.expression)}: \`${cell(t.expression)}\`` : `- unique (${t.unique_combination.join(", ")})`)));
  }
  if (contract?.unit_tests.length) lines.push("", "Unit tests:", ...contract.unit_tests.map((u) => `- ${cell(u.name)}`));
  return lines.join("\n");
}

function modelSection(m: Model): string {
  const c = m.contract!;
  return [
    `## ${m.name}`, "", cell(c.description), "",
    `- Grain: ${c.grain ?? "see description"}`,
    `- Built by: \`transforms/${m.file}\` (${m.materialized}; in memory during a transform run, not published)`,
    `- Depends on: ${[...m.refs.map((r) => `\`${r}\``), ...m.sources.map((s) => `source \`${s}\``), ...m.seeds.map((s) => `seed \`${s}\``)].join(", ") || "nothing"}`,
    "", "| column | type | meaning | tests |", "|---|---|---|---|",
    ...c.columns.map((col) => `| \`${col.name}\` | ${col.type} | ${cell(col.description)} | ${col.tests.map(testText).join("; ")} |`),
  ].join("\n");
}

export function renderDocs(dir = TRANSFORMS_DIR): string {
  const models = topoSort(loadProject(dir));
  const { datasets } = catalog();
  const kinds: Kind[] = ["raw", "enriched", "mart", "prediction", "export"];
  const staging = models.filter((m) => m.layer !== "marts" && m.contract).sort((a, b) => a.name.localeCompare(b.name));
  return [
    "# Datasets: the data dictionary",
    "",
    "Generated from the catalog (`pipelines/catalog/datasets.ts`) by `npm run commsight -- docs`; do not",
    "edit by hand. A dataset is declared once: a raw entity by its zod record schema (`pipelines/catalog/openphone.ts`,",
    "`callflow.ts`, `surveys.ts`, listed in `raw.ts`), an enriched entity by its schema in `pipelines/catalog/enriched.ts`,",
    "a mart by the YAML contract beside its SQL (`transforms/marts/<name>.yml`), a prediction mart by the contract",
    "beside the model that writes it (`models/<model>/<name>.yml`). Times are in the business time zone",
    "(`business.timezone`) unless a column says UTC; weeks start on Monday.",
    "",
    "PII classes: `none`; `direct` (a phone number, e-mail, name); `identifier` (an id that links a row to one person);",
    "`free_text` (unredacted words). Columns other than `none` never reach the warehouse: the enriched entities hold",
    "the redacted text, the marts hold keyed pseudonyms.",
    "",
    "| dataset | kind | produced by | what it is |",
    "|---|---|---|---|",
    ...kinds.flatMap((k) => datasets.filter((d) => d.kind === k).map((d) => `| [${d.id}](#${anchor(d)}) | ${d.kind} | ${d.producer} | ${cell(d.description.split(". ")[0]!)} |`)),
    "",
    ...kinds.flatMap((k) => [`# ${KIND_TITLE[k]}`, "", ...datasets.filter((d) => d.kind === k).flatMap((d) => [section(d, d.contract), ""])]),
    ...(staging.length ? ["# Staging and intermediate models with contracts", "", ...staging.map(modelSection).flatMap((s) => [s, ""])] : []),
  ].join("\n");
}

export function writeDocs(file = DOCS_FILE): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderDocs());
  return file;
}
