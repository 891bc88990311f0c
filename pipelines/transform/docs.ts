/**
 * The data dictionary, docs/marts.md, generated from the contracts: what each mart's row is,
 * what each column means and how each metric is defined, and the tests that guard it.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { projectRoot } from "../core/paths.ts";
import type { ColumnTest } from "../catalog/contract.ts";
import { loadProject, topoSort, type Model } from "../catalog/project.ts";
import { TRANSFORMS_DIR } from "./run.ts";

export const DOCS_FILE = join(projectRoot, "docs", "marts.md");

function testText(t: ColumnTest): string {
  if (typeof t === "string") return t;
  if ("accepted_values" in t) return `one of ${t.accepted_values.join(", ")}`;
  if ("relationships" in t) return `in ${t.relationships.to}.${t.relationships.field}`;
  return `range ${t.range.min ?? "−∞"}..${t.range.max ?? "∞"}`;
}

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

function section(m: Model): string {
  const c = m.contract!;
  const how = m.materialized === "incremental" ? "incremental Parquet mart" : m.materialized === "mart" ? "Parquet mart" : m.materialized;
  const lines = [
    `## ${m.name}`,
    "",
    cell(c.description),
    "",
    `- Grain: ${c.grain ?? "see description"}`,
    `- Built by: \`transforms/${m.file}\` (${how}${m.partitionBy ? `, partitioned by \`${m.partitionBy}\`` : ""})`,
    m.materialized === "mart" || m.materialized === "incremental"
      ? `- Read it: \`SELECT * FROM ${m.name}\` in \`data/warehouse.duckdb\`, or \`data/lake/marts/${m.name}/**/*.parquet\``
      : `- In memory during a transform run (not published)`,
    `- Depends on: ${[...m.refs.map((r) => `\`${r}\``), ...m.sources.map((s) => `raw \`${s}\``), ...m.seeds.map((s) => `seed \`${s}\``)].join(", ") || "nothing"}`,
    "",
    "| column | type | meaning | tests |",
    "|---|---|---|---|",
    ...c.columns.map((col) => `| \`${col.name}\` | ${col.type} | ${cell(col.description)} | ${col.tests.map(testText).join("; ")} |`),
  ];
  if (c.tests.length) {
    lines.push("", "Row tests:", ...c.tests.map((t) => ("expression" in t ? `- ${cell(t.description ?? t.expression)}: \`${cell(t.expression)}\`` : `- unique (${t.unique_combination.join(", ")})`)));
  }
  if (c.unit_tests.length) lines.push("", "Unit tests:", ...c.unit_tests.map((u) => `- ${cell(u.name)}`));
  return lines.join("\n");
}

export function renderDocs(dir = TRANSFORMS_DIR): string {
  const models = topoSort(loadProject(dir)).filter((m) => m.contract);
  const marts = models.filter((m) => m.layer === "marts").sort((a, b) => a.name.localeCompare(b.name));
  const staging = models.filter((m) => m.layer !== "marts").sort((a, b) => a.name.localeCompare(b.name));
  return [
    "# Marts: the data dictionary",
    "",
    "Generated from the contracts beside each SQL model (`transforms/**/<model>.yml`) by",
    "`npm run commsight -- docs`; do not edit by hand. Times are in the business time zone",
    "(`business.timezone`); weeks start on Monday. The marts are Parquet under `data/lake/marts/`",
    "and views in `data/warehouse.duckdb` (raw entities in its `raw` schema). Model outputs",
    "(`churn_risk`, `volume_forecast`, …) are described in the README's Models section.",
    "",
    ...marts.map((m) => `- [${m.name}](#${m.name}): ${cell(m.contract!.description.split(". ")[0]!)}`),
    "",
    ...marts.map(section).flatMap((s) => [s, ""]),
    ...(staging.length ? ["# Staging and intermediate models with contracts", "", ...staging.map(section).flatMap((s) => [s, ""])] : []),
  ].join("\n");
}

export function writeDocs(file = DOCS_FILE): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderDocs());
  return file;
}
