// A compiled copy of the TypeScript for a fast start. Loading the CLI through tsx costs about 2 CPU-s
// per process (every module, the dependencies' too, passes through its loader hooks); the same code
// compiled to plain ES modules starts in a fraction of that. So the `commsight` command keeps a
// per-file JavaScript copy of pipelines/, models/ and reports/ in node_modules/.cache/commsight-js/:
// each .ts file is transformed with esbuild (the compiler tsx itself uses, file by file, so the
// output is the code tsx would run), its relative `.ts` imports pointed at the copies, and
// `import.meta.dirname`/`url`/`filename` fixed to the source file's, so SQL and assets are found
// beside the sources as before. A file is compiled again when its size or mtime changed; files no
// longer in the tree are removed. No build step: the first start after a change compiles what changed.
// Any failure here (no esbuild, a read-only node_modules) returns null and the CLI runs through tsx.
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";

/** Bump when the transformation below changes: every file is compiled again. */
const FORMAT = 1;
const DIRS = ["pipelines", "models", "reports"];
const SKIP = new Set([join("models", "_scratch")]);

function sources(root) {
  const out = [];
  const walk = (rel) => {
    if (SKIP.has(rel)) return;
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = join(rel, e.name);
      if (e.isDirectory()) { if (e.name !== "node_modules") walk(r); }
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(r);
    }
  };
  for (const d of DIRS) if (existsSync(join(root, d))) walk(d);
  return out.sort();
}

function writeAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** `./x.ts` and `../y/z.ts` specifiers (static imports, exports and import() of literals) → `.mjs`. */
export function pointImports(code) {
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"'\n]*?)\.ts\2/g, (_, lead, q, path) => `${lead}${q}${path}.mjs${q}`);
}

/**
 * The compiled entry point for `entry` (a .ts path relative to root), compiling what changed first
 * into `out`; null when esbuild is not installed (the caller falls back to tsx).
 */
export function compiledEntry(root, entry, out = join(root, "node_modules", ".cache", "commsight-js")) {
  let esbuild;
  try {
    esbuild = createRequire(import.meta.url)("esbuild");
  } catch {
    return null;
  }
  const manifestFile = join(out, "manifest.json");
  let manifest = {};
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch { /* absent or damaged: compile everything */ }
  const tag = `${FORMAT}:${esbuild.version}`;
  const next = {};
  let changed = false;
  for (const rel of sources(root)) {
    const abs = join(root, rel);
    const st = statSync(abs);
    const stamp = `${tag}:${st.size}:${st.mtimeMs}`;
    const target = join(out, rel.replace(/\.ts$/, ".mjs"));
    if (manifest[rel] !== stamp || !existsSync(target)) {
      const { code } = esbuild.transformSync(readFileSync(abs, "utf8"), {
        loader: "ts", format: "esm", target: "node20", sourcefile: abs, sourcemap: "inline",
        define: {
          "import.meta.dirname": JSON.stringify(dirname(abs)),
          "import.meta.filename": JSON.stringify(abs),
          "import.meta.url": JSON.stringify(pathToFileURL(abs).href),
        },
      });
      writeAtomic(target, pointImports(code));
      changed = true;
    }
    next[rel] = stamp;
  }
  for (const rel of Object.keys(manifest)) {
    if (!(rel in next)) {
      rmSync(join(out, rel.replace(/\.ts$/, ".mjs")), { force: true });
      changed = true;
    }
  }
  if (changed || Object.keys(manifest).length !== Object.keys(next).length) writeAtomic(manifestFile, JSON.stringify(next));
  return join(out, relative(root, join(root, entry)).replace(/\.ts$/, ".mjs"));
}
