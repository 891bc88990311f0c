#!/usr/bin/env node
// Installs what a fresh machine lacks before the demo or the tests run: npm packages,
// Debian's Chromium (for PDF reports) and, for tests, poppler-utils (pdftotext). Plain Node, no
// dependencies, so it runs before `npm ci`. Usage: node pipelines/setup/ensure.mjs [--test]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const forTests = process.argv.includes("--test");
const say = (m) => process.stderr.write(`[setup] ${m}\n`);

function onPath(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim() || null;
}

/**
 * What the lock says should be installed and is not (or at another version), from npm's own record
 * of what it installed (node_modules/.package-lock.json). Content, not file times: a checkout, a
 * commit or a copy changes times, and a needless `npm ci` would empty node_modules under whoever is
 * running code from it.
 */
function notInstalled() {
  const installedFile = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(installedFile)) return ["node_modules"];
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages ?? {};
  const installed = JSON.parse(readFileSync(installedFile, "utf8")).packages ?? {};
  const out = [];
  for (const [path, entry] of Object.entries(lock)) {
    if (!path) continue;
    const have = installed[path];
    // Optional packages of other platforms (DuckDB's bindings for macOS, Windows, …) are never installed here.
    if (!have && entry.optional) continue;
    if (!have || have.version !== entry.version) out.push(path.replace(/^.*node_modules\//, ""));
  }
  return out;
}

function npmPackages() {
  const missing = notInstalled();
  if (missing.length === 0) return;
  // `npm ci`: exactly the committed lock, which it never rewrites (so a fresh clone stays clean). The
  // lock holds every platform's optional DuckDB binding (test/core/install.test.ts checks it), which is
  // what `npm ci` needs to accept it; npm installs only this platform's.
  say(`installing npm packages (npm ci: the locked versions; missing or out of date: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""})…`);
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
}

function aptInstall(pkgs, why) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!onPath("apt-get")) {
    say(`cannot install ${pkgs.join(", ")} (${why}): apt-get not found. Install them with your package manager.`);
    return false;
  }
  const sudo = isRoot ? [] : onPath("sudo") ? ["sudo"] : null;
  if (!sudo) {
    say(`cannot install ${pkgs.join(", ")} (${why}): not root and no sudo. Run: apt-get install -y ${pkgs.join(" ")}`);
    return false;
  }
  say(`installing ${pkgs.join(", ")} from Debian's packages (${why})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: "inherit", env }).status === 0;
  if (!run(["apt-get", "update", "-qq"])) say("apt-get update failed; trying the install anyway");
  if (!run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...pkgs])) {
    say(`apt-get install ${pkgs.join(" ")} failed: install them by hand, or set report.chromiumPath in commsight.config.yaml.`);
    return false;
  }
  return true;
}

function chromium() {
  if (process.env.COMMSIGHT_CHROMIUM && existsSync(process.env.COMMSIGHT_CHROMIUM)) return;
  if (["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].some(onPath)) return;
  aptInstall(["chromium", "fonts-dejavu-core"], "reports are printed to PDF by the system Chromium");
}

function pdftotext() {
  if (onPath("pdftotext")) return;
  aptInstall(["poppler-utils"], "tests read the PDF report's text with pdftotext");
}

npmPackages();
chromium();
if (forTests) pdftotext();
