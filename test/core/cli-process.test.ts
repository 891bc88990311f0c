/**
 * The command line as a user meets it, through the real `commsight` binary in child processes:
 * --version, no command, config errors (YAML syntax with file:line:column, unknown keys with the
 * nearest one, calendar dates), a stage on an empty data folder, the not-yet-installed message,
 * and, on a small generated lake: dbt-style status lines, log formats, --quiet, and `commsight sql`.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { BIN, commsight, JSON_LINE, STACK } from "../helpers/cli.ts";

const VERSION = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version as string;
const work = join(projectRoot, "data", "tmp", `cli-process-${process.pid}`);

beforeAll(() => mkdirSync(work, { recursive: true }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the commsight command", () => {
  it("--version prints the package version (node bin, npx and npm run alike)", () => {
    const r = commsight(["--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const npx = spawnSync("npx", ["--no-install", "commsight", "--version"], { cwd: projectRoot, encoding: "utf8" });
    expect(npx.status, npx.stderr).toBe(0);
    expect(npx.stdout.trim()).toBe(VERSION);
    const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));
    expect(existsSync(join(projectRoot, pkg.bin.commsight))).toBe(true);
  });

  it("no command prints the help to stderr and exits 2", () => {
    const r = commsight([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: commsight/);
    expect(r.stderr).toMatch(/no command given/);
  });

  it("before the npm packages are installed, one line says what to run", () => {
    // A copy of the package without node_modules anywhere above it (os tmpdir, not the checkout).
    const pkg = mkdtempSync(join(tmpdir(), "commsight-noinstall-"));
    try {
      mkdirSync(join(pkg, "pipelines", "bin"), { recursive: true });
      copyFileSync(BIN, join(pkg, "pipelines", "bin", "commsight.mjs"));
      copyFileSync(join(projectRoot, "package.json"), join(pkg, "package.json"));
      const r = spawnSync(process.execPath, [join(pkg, "pipelines", "bin", "commsight.mjs"), "status"], { cwd: pkg, encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/not installed: run `npm run demo`/);
      expect(r.stderr).not.toMatch(STACK);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });

  it("a YAML syntax error exits 2 naming the file, line and column", () => {
    const file = join(work, "broken.yaml");
    writeFileSync(file, "business:\n  name: Acme\n  timezone: [America/New_York\ndemo:\n  seed: 4\n");
    const r = commsight(["--config", file, "status"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/:\d+:\d+: YAML syntax error: .*\(line \d+, column \d+\)/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("an unknown key is named with the nearest known one; dates must exist on the calendar", () => {
    const file = join(work, "typos.yaml");
    writeFileSync(file, "busines:\n  name: Acme\ndemo:\n  sede: 4\n  endDate: \"2026-02-30\"\n");
    const r = commsight(["--config", file, "status"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/busines: unknown key; did you mean business\?/);
    expect(r.stderr).toMatch(/demo\.sede: unknown key; did you mean demo\.seed\?/);
    expect(r.stderr).toMatch(/demo\.endDate: got "2026-02-30"; expected a calendar date/);
    expect(r.stderr).not.toMatch(/"busines":\{/); // never the whole config object
    const d = commsight(["--data", join(work, "nothing"), "report", "--date", "2026-02-30"]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--date: expected a calendar date YYYY-MM-DD, got "2026-02-30"/);
  });

  it("a stage on an empty data folder says which stage to run first, exits 1, writes nothing and prints no JSON or stack", () => {
    const data = join(work, "empty");
    for (const [args, first] of [[["transform"], "commsight extract"], [["enrich"], "commsight extract"], [["train"], "commsight transform"], [["report"], "commsight transform"], [["sql", "select 1"], "commsight transform"]] as const) {
      const r = commsight(["--data", data, ...args]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`run \`${first}\` first`);
      expect(r.stderr + r.stdout).not.toMatch(JSON_LINE);
      expect(r.stderr).not.toMatch(STACK);
      expect(existsSync(data), `${args.join(" ")} wrote into the data folder`).toBe(false);
    }
  });

  it("--debug shows the stack of a failure, which is hidden otherwise", () => {
    const missing = join(work, "missing-input");
    const plain = commsight(["--data", join(work, "dbg"), "extract", "--input", missing]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toMatch(STACK);
    const debug = commsight(["--data", join(work, "dbg"), "--debug", "extract", "--input", missing]);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(STACK);
  });
});

describe("on a small lake: progress lines, logs and commsight sql", () => {
  const data = join(work, "lake");
  const config = join(work, "small.yaml");
  let transform = { code: -1, stdout: "", stderr: "" };

  beforeAll(() => {
    writeFileSync(config, "demo: { years: 0.25 }\n");
    const g = commsight(["--config", config, "--data", data, "generate"]);
    expect(g.code, g.stderr).toBe(0);
    const e = commsight(["--config", config, "--data", data, "extract"]);
    expect(e.code, e.stderr).toBe(0);
    // Not enriched: the transform logs a warning per missing enriched entity, which the format tests use.
    transform = commsight(["--config", config, "--data", data, "--log-format", "json", "transform"]);
    expect(transform.code, transform.stderr).toBe(0);
  }, 600_000);

  it("transform prints one dbt-style status line per model, with rows and seconds, as it goes", () => {
    const lines = transform.stdout.split("\n").filter((l) => /^transform\s+\d+ of \d+ OK/.test(l));
    const total = Number(/ of (\d+) /.exec(lines[0] ?? "")?.[1]);
    expect(lines.length).toBe(total);
    expect(transform.stdout).toMatch(/^transform\s+\d+ of \d+ OK\s+mart kpi_weekly \.+ [\d,]+ rows \[\d+\.\d\ds\]$/m);
    // Each fact once: no per-mart table repeated at the end.
    expect(transform.stdout.match(/kpi_weekly/g)).toHaveLength(1);
  });

  it("--log-format json writes one JSON object per log line with an ISO time; text is the default, outside a terminal too", () => {
    const json = transform.stderr.split("\n").filter(Boolean);
    expect(json.length).toBeGreaterThan(0);
    for (const l of json) {
      const o = JSON.parse(l);
      expect(o.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    }
    const text = commsight(["--config", config, "--data", data, "test-data", "--select", "kpi_weekly"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).not.toMatch(JSON_LINE);
    expect(text.stderr).toMatch(/^\d{2}:\d{2}:\d{2} WARN  /m);
    const quiet = commsight(["--config", config, "--data", data, "--quiet", "--log-level", "error", "test-data", "--select", "kpi_weekly"]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).not.toMatch(/ of \d+ OK/);
    expect(quiet.stdout).toMatch(/data tests passed/);
  });

  it("commsight sql queries the warehouse: a number, CSV, JSON, read-only, statements on stdin", () => {
    const n = commsight(["--data", data, "sql", "select count(*) from kpi_weekly"]);
    expect(n.code, n.stderr).toBe(0);
    expect(n.stdout).toMatch(/^\s*\d+\s*$/m);
    const csv = commsight(["--data", data, "sql", "--format", "csv", "select 'a,b' as x, 2 as y"]);
    expect(csv.stdout).toBe('x,y\r\n"a,b",2\r\n');
    const json = commsight(["--data", data, "sql", "-f", "json", "select line, count(*)::int as weeks from kpi_weekly group by 1 order by 1"]);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({ line: expect.any(String), weeks: expect.any(Number) });
    const write = commsight(["--data", data, "sql", "create table x (a int)"]);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/read-only/);
    expect(write.stderr).not.toMatch(STACK);
    const piped = commsight(["--data", data, "sql"], { input: "select 41 + 1 as answer;\nselect count(*) as n from raw.calls;\n" });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/answer[\s\S]*\b42\b[\s\S]*\bn\b/);
  });

  it("commsight sql without a query on a terminal is an interactive prompt", () => {
    // `script` gives the child a pseudo-terminal, as a person's shell would.
    const cmd = `${process.execPath} ${BIN} --data ${data} sql`;
    const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { input: ".tables\nselect 6 *\n 7 as product;\n.quit\n", encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("commsight> ");
    expect(r.stdout).toContain("kpi_weekly");
    expect(r.stdout).toMatch(/product[\s\S]*\b42\b/);
  });

  it("nothing but the data folder was written", () => {
    expect(readdirSync(data).sort()).toEqual(expect.arrayContaining(["lake", "runs", "warehouse.duckdb"]));
  });
});
