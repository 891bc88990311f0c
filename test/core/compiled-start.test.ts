/**
 * The CLI's compiled copy (pipelines/bin/compiled.mjs): the TypeScript compiled file by file into a
 * cache, imports pointed at the copies, import.meta naming the source file, recompiled when a file
 * changes, removed when it goes; and the real CLI gives the same answers compiled as through tsx.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript module without types
import { compiledEntry, pointImports } from "../../pipelines/bin/compiled.mjs";
import { BIN } from "../helpers/cli.ts";
import { tmpDir } from "../helpers/records.ts";

/** Import `file` in a fresh Node process and print what its default export returns. */
function run(file: string): { n: number; sql: string; dir: string } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(`file://${file}`)}); console.log(JSON.stringify(m.default()));`], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("compiled start", () => {
  it("points relative .ts imports at the copies and leaves everything else", () => {
    const code = [
      `import { a } from "./a.ts";`, `import "../b/c.ts";`, `export * from './d.ts';`, `const m = await import("./e.ts");`,
      `import z from "zod";`, `const label = "see ./notes.ts";`, `const p = join(dir, "x.ts");`,
    ].join("\n");
    expect(pointImports(code).split("\n")).toEqual([
      `import { a } from "./a.mjs";`, `import "../b/c.mjs";`, `export * from './d.mjs';`, `const m = await import("./e.mjs");`,
      `import z from "zod";`, `const label = "see ./notes.ts";`, `const p = join(dir, "x.ts");`,
    ]);
  });

  it("compiles a tree, keeps import.meta on the sources, recompiles what changed and drops what went", () => {
    const root = tmpDir("commsight-compiled-");
    const out = join(root, "cache");
    mkdirSync(join(root, "pipelines", "sql"), { recursive: true });
    writeFileSync(join(root, "pipelines", "sql", "q.sql"), "SELECT 1");
    writeFileSync(join(root, "pipelines", "b.ts"), `export const n: number = 1;\n`);
    writeFileSync(join(root, "pipelines", "gone.ts"), `export const g = 0;\n`);
    writeFileSync(join(root, "pipelines", "a.ts"), [
      `import { readFileSync } from "node:fs";`, `import { join } from "node:path";`, `import { n } from "./b.ts";`,
      `type T = { n: number; sql: string; dir: string };`,
      `export default (): T => ({ n, sql: readFileSync(join(import.meta.dirname, "sql", "q.sql"), "utf8"), dir: import.meta.dirname });`,
    ].join("\n"));
    try {
      const entry = compiledEntry(root, join("pipelines", "a.ts"), out);
      expect(entry).toBe(join(out, "pipelines", "a.mjs"));
      expect(run(entry)).toEqual({ n: 1, sql: "SELECT 1", dir: join(root, "pipelines") });
      expect(existsSync(join(out, "pipelines", "gone.mjs"))).toBe(true);

      // A changed file is compiled again; an unchanged one is left alone; a removed one goes.
      const before = readFileSync(join(out, "pipelines", "a.mjs"), "utf8");
      writeFileSync(join(root, "pipelines", "b.ts"), `export const n: number = 22;\n`);
      utimesSync(join(root, "pipelines", "b.ts"), new Date(), new Date(Date.now() + 5000));
      rmSync(join(root, "pipelines", "gone.ts"));
      compiledEntry(root, join("pipelines", "a.ts"), out);
      expect(run(entry)).toEqual({ n: 22, sql: "SELECT 1", dir: join(root, "pipelines") });
      expect(readFileSync(join(out, "pipelines", "a.mjs"), "utf8")).toBe(before);
      expect(existsSync(join(out, "pipelines", "gone.mjs"))).toBe(false);

      // A damaged manifest means compiling everything again, not an error.
      writeFileSync(join(out, "manifest.json"), "{not json");
      expect(compiledEntry(root, join("pipelines", "a.ts"), out)).toBe(entry);
      expect(run(entry).n).toBe(22);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("the real CLI answers the same compiled as through tsx", () => {
    let listed = "";
    for (const args of [["catalog"], ["run", "--help"]]) {
      const compiled = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      const viaTsx = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COMMSIGHT_TSX: "1" } });
      expect(compiled.status, compiled.stderr).toBe(0);
      expect(compiled.stdout.length).toBeGreaterThan(100);
      expect(compiled.stdout).toBe(viaTsx.stdout);
      if (args[0] === "catalog") listed = compiled.stdout;
    }
    // Catalog read the transforms' .yml files beside the sources: the compiled copy found them.
    expect(listed).toMatch(/marts\.contact_features/);
  }, 240_000);
});
