/** `commsight catalog`: the datasets Commsight holds, where each is declared, and one dataset in full. */
import type { Command } from "commander";
import { catalog } from "../../catalog/datasets.ts";
import { UsageError } from "./shared.ts";

const say = (line: string) => process.stdout.write(line + "\n");

export function register(program: Command): void {
  program.command("catalog")
    .argument("[dataset]", "a dataset id (raw.calls, enriched.call_texts, marts.churn_risk …) to show in full")
    .description("list every dataset (raw, enriched, marts, predictions, exports) with its producer and declaration, or show one")
    .action((id?: string) => {
      const c = catalog();
      if (!id) {
        say(`${"dataset".padEnd(36)} ${"kind".padEnd(10)} ${"produced by".padEnd(15)} declared in`);
        for (const d of c.datasets) say(`${d.id.padEnd(36)} ${d.kind.padEnd(10)} ${d.producer.padEnd(15)} ${d.declaredIn}`);
        say(`\n${c.datasets.length} datasets; \`commsight catalog <dataset>\` shows one, docs/marts.md all of them`);
        return;
      }
      const d = c.find(id) ?? c.find(`marts.${id}`) ?? c.find(`raw.${id}`) ?? c.find(`enriched.${id}`);
      if (!d) throw new UsageError(`no dataset ${id} in the catalog (\`commsight catalog\` lists them)`);
      say(`${d.id} (${d.kind}): ${d.description}`);
      if (d.grain) say(`  grain        ${d.grain}`);
      if (d.key.length) say(`  key          ${d.key.join(", ")}`);
      say(`  produced by  ${d.producer}${d.partitionBy ? `, partitioned by ${d.partitionBy}` : ""}`);
      say(`  reads        ${d.inputs.join(", ") || "the configured sources"}`);
      say(`  retention    ${d.purpose ?? (d.derivedFrom.length ? `as ${d.derivedFrom.map((f) => `raw.${f}`).join(", ")}` : "-")}`);
      say(`  declared in  ${d.declaredIn}`);
      for (const col of d.columns) say(`  ${col.name.padEnd(34)} ${col.type.padEnd(14)} ${col.pii === "none" ? "" : `[${col.pii}] `}${col.description}`);
    });
}
