/**
 * The Orange/BigML churn split as the peers take it (../shared/datasets/orange-telecom-churn): the
 * 80% and 20% files in one CSV, rows numbered (80% first), the label normalised to True/False (the
 * two files spell it differently), and the 20% file's row ids as the test ids. Used by the churn
 * test and the churn benchmark.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ORANGE = join(import.meta.dirname, "..", "..", "..", "shared", "datasets", "orange-telecom-churn");

export function orangeFile(dir: string): { file: string; ids: string } {
  const parts = ["churn-bigml-80.csv", "churn-bigml-20.csv"].map((f) => readFileSync(join(ORANGE, f), "utf8").trim().split(/\r?\n/));
  const lines = [`row_id,${parts[0]![0]}`];
  const test: number[] = [];
  let id = 0;
  parts.forEach((p, k) => p.slice(1).forEach((l) => {
    id++;
    if (k === 1) test.push(id);
    lines.push(`${id},${l.replace(/,(TRUE|True|true)$/, ",True").replace(/,(FALSE|False|false)$/, ",False")}`);
  }));
  const file = join(dir, "orange.csv");
  const ids = join(dir, "orange_test_ids.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  writeFileSync(ids, "row_id\n" + test.join("\n") + "\n");
  return { file, ids };
}
