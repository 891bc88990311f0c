#!/usr/bin/env node
// The `commsight` command (package.json "bin": `npx commsight`, `npm i -g`, `npm run commsight --`).
// Plain Node until the dependencies are known to be installed, so a fresh clone gets one line saying
// what to run instead of a stack trace; then the TypeScript CLI runs from its compiled copy (compiled.mjs; tsx when that is not possible).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const argv = process.argv.slice(2);

const major = Number(process.versions.node.split(".")[0]);
if (major < 20) {
  process.stderr.write(`commsight: needs Node.js 20 or newer (this is ${process.version})\n`);
  process.exit(1);
}

// --version needs nothing but package.json, so it answers even before an install.
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`);
  process.exit(0);
}

// The compiled copy of the TypeScript (compiled.mjs: about half the start-up cost of tsx), else tsx.
// COMMSIGHT_TSX=1 forces tsx; --debug and COMMSIGHT_DEBUG turn source maps on, so traces name the .ts.
if (argv.includes("--debug") || process.env.COMMSIGHT_DEBUG === "1") process.setSourceMapsEnabled(true);
let entry = null;
if (process.env.COMMSIGHT_TSX !== "1") {
  try {
    entry = (await import("./compiled.mjs")).compiledEntry(root, join("pipelines", "app", "cli.ts"));
  } catch (err) {
    if (process.env.COMMSIGHT_DEBUG === "1") process.stderr.write(`commsight: running through tsx (compiling failed: ${err?.message ?? err})\n`);
  }
}

let main;
try {
  if (entry) {
    ({ main } = await import(pathToFileURL(entry).href));
  } else {
    let register;
    try {
      ({ register } = await import("tsx/esm/api"));
    } catch (err) {
      if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
      process.stderr.write(`commsight: the npm packages are not installed: run \`npm run demo\` (README, Quickstart) or \`npm ci\` in ${root}\n`);
      process.exit(1);
    }
    register();
    ({ main } = await import("../app/cli.ts"));
  }
} catch (err) {
  // A dependency missing from node_modules (an install cut short, a package added since): same advice.
  if (err?.code === "ERR_MODULE_NOT_FOUND" && /node_modules|Cannot find package/.test(String(err.message))) {
    process.stderr.write(`commsight: ${String(err.message).split("\n")[0]}\n  the npm packages are incomplete: run \`npm ci\` in ${root}\n`);
    process.exit(1);
  }
  throw err;
}
process.exitCode = await main(process.argv);
// Benchmarks ask for the process's peak memory (kilobytes, as getrusage reports it).
if (process.env.COMMSIGHT_REPORT_RSS) process.stderr.write(`commsight-max-rss-kb ${process.resourceUsage().maxRSS}\n`);
