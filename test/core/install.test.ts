/**
 * Reproducible installs: the committed lock holds every platform's optional DuckDB binding (what
 * `npm ci` needs to accept it on any machine), and on a fresh clone `npm ci` succeeds, the README's
 * install step leaves every tracked file as it was, and `npx commsight --version` answers, as does a
 * global install's `commsight`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../pipelines/core/paths.ts";

const lock = JSON.parse(readFileSync(join(projectRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; optionalDependencies?: Record<string, string> }> };
const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe("the lock file", () => {
  it("lists every optional platform package of every locked package (npm ci refuses a lock without them)", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${path}/node_modules/${name}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) missing.push(`${name} (optional of ${path || "the root"})`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/@duckdb/node-bindings-")).length).toBeGreaterThanOrEqual(8);
  });

  it("matches package.json", () => {
    const root = lock.packages[""] as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
  });
});

describe("a fresh clone", () => {
  it("npm ci succeeds, the setup step changes no tracked file, npx commsight --version answers", () => {
    const dir = mkdtempSync(join(tmpdir(), "commsight-clone-"));
    try {
      const run = (cmd: string, args: string[]) => {
        const r = spawnSync(cmd, args, { cwd: dir, encoding: "utf8", timeout: 600_000, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
        expect(r.status, `${cmd} ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`).toBe(0);
        return r.stdout;
      };
      run("git", ["clone", "-q", projectRoot, "."]);
      run("npm", ["ci", "--prefer-offline"]);
      // The install half of `npm run demo` (the demo itself is the pipeline, run by other tests).
      run(process.execPath, ["pipelines/setup/ensure.mjs"]);
      expect(run("git", ["status", "--porcelain", "--untracked-files=no"])).toBe("");
      expect(run("npx", ["--no-install", "commsight", "--version"]).trim()).toBe(pkg.version);
      // A global install (here under a private prefix) puts a working `commsight` on the PATH.
      const prefix = join(dir, ".global");
      run("npm", ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", dir]);
      const bin = join(prefix, "bin", "commsight");
      expect(run(bin, ["--version"]).trim()).toBe(pkg.version);
      expect(run(bin, ["catalog"])).toMatch(/marts\.kpi_weekly/);
      expect(run("git", ["status", "--porcelain", "--untracked-files=no"])).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
