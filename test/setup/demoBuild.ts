/**
 * The shared small demo of one vitest run: where it is built, how the build is started, and how its end is
 * awaited. Node built-ins only: the sequencer (loaded with vitest.config.ts, in vitest's main process) starts
 * the build, the global teardown checks and removes it, and the test files (test/setup/sharedDemo.ts) wait
 * for it.
 *
 * The build is the real CLI in a child process, `commsight --config … --data <dir>/data demo --scale small
 * --seed 42`, under a shell that writes the exit code to `<dir>/exit` when the command ends, however the
 * test files fare. Each vitest run builds its own (a fresh folder named by the run), so a build is always of
 * the code under test; nothing is reused across runs.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The environment variable naming the run's shared demo folder (set in vitest's main process, inherited by the workers). */
export const ENV = "COMMSIGHT_SHARED_DEMO";
/** The pid of the vitest process that started that build (only it removes the folder). */
export const OWNER = "COMMSIGHT_SHARED_DEMO_OWNER";
/** The demo's own config: small, seed 42, the defaults otherwise (a commsight.config.yaml in the checkout must not leak in). */
export const CONFIG_YAML = "demo: { scale: small, seed: 42 }\n";

/** Every file under the current folder: relative path, size in bytes, modification time (s, to the ns), sorted. */
const LISTING = "find . -type f -printf '%P %s %T@\\n' | LC_ALL=C sort";

export type BuildFiles = { dir: string; data: string; config: string; stdout: string; stderr: string; exit: string; pid: string; listing: string };

export function buildFiles(dir: string): BuildFiles {
  return {
    dir, data: join(dir, "data"), config: join(dir, "commsight.config.yaml"), stdout: join(dir, "demo.stdout"), stderr: join(dir, "demo.stderr"),
    exit: join(dir, "exit"), pid: join(dir, "pid"), listing: join(dir, "listing"),
  };
}

/**
 * Start building the demo into a new folder under data/tmp/test-shared-demo and return the folder at once.
 * The child logs at debug level (test/privacy/no-pii-in-outputs.test.ts scans everything a run prints or
 * logs) and never reaches the network: the API keys are dropped from its environment.
 */
export function startBuild(runId = `${Date.now().toString(36)}-${process.pid}`): string {
  const f = buildFiles(join(ROOT, "data", "tmp", "test-shared-demo", runId));
  mkdirSync(f.dir, { recursive: true });
  writeFileSync(f.config, CONFIG_YAML);
  const env: NodeJS.ProcessEnv = { ...process.env, COMMSIGHT_LOG_LEVEL: "debug", NO_COLOR: "1" };
  for (const k of ["COMMSIGHT_LOG_FORMAT", "COMMSIGHT_DEBUG", "COMMSIGHT_PSEUDONYM_KEY", "OPENPHONE_API_KEY", "OPENPHONE_BASE_URL", "VITEST", "VITEST_POOL_ID", "VITEST_WORKER_ID", "NODE_OPTIONS"]) delete env[k];
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, join(ROOT, "pipelines", "bin", "commsight.mjs"), "--config", f.config, "--data", f.data, "demo", "--scale", "small", "--seed", "42"].map(q).join(" ");
  // The exit file is written last (after the listing of what the build wrote), by rename, so its presence means done.
  const script = `${cmd} > ${q(f.stdout)} 2> ${q(f.stderr)}; code=$?; `
    + `(cd ${q(f.data)} 2>/dev/null && ${LISTING}) > ${q(f.listing)}; `
    + `echo $code > ${q(f.exit)}.tmp && mv ${q(f.exit)}.tmp ${q(f.exit)}`;
  const child = spawn("sh", ["-c", script], { cwd: ROOT, env, detached: true, stdio: "ignore" });
  child.unref();
  writeFileSync(f.pid, String(child.pid));
  return f.dir;
}

/** The exit code of a finished build, or null while it runs. */
export function exitCode(dir: string): number | null {
  const f = buildFiles(dir);
  return existsSync(f.exit) ? Number(readFileSync(f.exit, "utf8").trim()) : null;
}

/** Wait for the build in dir to end; throws with the end of its stderr when it failed. */
export async function waitForBuild(dir: string, timeoutMs = 1_800_000): Promise<void> {
  const started = Date.now();
  let code = exitCode(dir);
  while (code === null) {
    if (Date.now() - started > timeoutMs) throw new Error(`the shared demo in ${dir} did not finish within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
    code = exitCode(dir);
  }
  if (code !== 0) {
    const f = buildFiles(dir);
    const tail = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").split("\n").slice(-40).join("\n") : "(none)");
    throw new Error(`the shared demo build (commsight demo --scale small --seed 42 into ${f.data}) exited ${code}:\n--- stderr ---\n${tail(f.stderr)}\n--- stdout ---\n${tail(f.stdout)}`);
  }
}

/** What is in a data folder now: every file's relative path, size and modification time (the listing's format). */
export function listing(data: string): string {
  return execFileSync("sh", ["-c", LISTING], { cwd: data, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

/** Files of the shared demo added, removed, resized or rewritten since the build ended (the consumers must only read it). */
export function changedSinceBuild(dir: string): string[] {
  const f = buildFiles(dir);
  const parse = (text: string) => new Map(text.split("\n").filter(Boolean).map((l) => {
    const at = l.lastIndexOf(" ", l.lastIndexOf(" ") - 1);
    return [l.slice(0, at), l.slice(at + 1)] as const;
  }));
  const before = parse(readFileSync(f.listing, "utf8"));
  const after = parse(listing(f.data));
  const changed: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) changed.push(before.has(p) ? `changed ${p}` : `added ${p}`);
  for (const p of before.keys()) if (!after.has(p)) changed.push(`removed ${p}`);
  return changed;
}

/** Stop a build still running (its whole process group) and remove its folder. */
export function removeBuild(dir: string): void {
  const f = buildFiles(dir);
  if (exitCode(dir) === null && existsSync(f.pid)) {
    try { process.kill(-Number(readFileSync(f.pid, "utf8")), "SIGTERM"); } catch { /* already gone */ }
  }
  rmSync(dir, { recursive: true, force: true });
}
