/**
 * TensorFlow.js with the best backend available in plain Node:
 *   1. tfjs-node ('tensorflow'), only if `import('@tensorflow/tfjs-node')` happens to succeed
 *      (it is not a dependency and never required);
 *   2. otherwise the WebAssembly backend, its .wasm binaries read from the package's dist
 *      directory as file paths (in Node the emscripten loader reads them with fs, no fetch);
 *   3. 'cpu' only if wasm fails, with a logged warning.
 * Call `await initTf()` before building or running a model; it is idempotent.
 */
import * as tf from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import { log } from "../../pipelines/core/log.ts";

export { tf };

let ready: Promise<string> | undefined;

/** Select and initialise the backend once; resolves to its name ('tensorflow' | 'wasm' | 'cpu'). */
export function initTf(): Promise<string> {
  ready ??= selectBackend();
  return ready;
}

/** The backend in use (after initTf). */
export function tfBackend(): string {
  return tf.getBackend();
}

/** Directory holding tfjs-backend-wasm's .wasm files, with a trailing separator (setWasmPaths prefixes it). */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  // main is dist/tf-backend-wasm.node.js; the .wasm binaries ship next to it.
  return dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + sep;
}

async function selectBackend(): Promise<string> {
  if (await tryTfjsNode()) return tf.getBackend();
  const listenersBefore = processListeners();
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(wasmDistDir());
    // setBackend resolves false (it does not throw) when initialisation fails.
    if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
    await tf.ready();
    if (tf.getBackend() !== "wasm") throw new Error(`backend is ${tf.getBackend()} after selecting wasm`);
  } catch (err) {
    log.warn({ err: String(err) }, "tfjs wasm backend unavailable; falling back to the (slow) cpu backend");
    await tf.setBackend("cpu");
    await tf.ready();
  } finally {
    removeListenersAddedSince(listenersBefore);
  }
  log.debug({ backend: tf.getBackend() }, "tfjs backend ready");
  return tf.getBackend();
}

async function tryTfjsNode(): Promise<boolean> {
  const name = "@tensorflow/tfjs-node"; // a variable: no static dependency, no type lookup
  try {
    await import(name);
  } catch {
    return false; // not installed: the normal case
  }
  try {
    if (!(await tf.setBackend("tensorflow"))) return false;
    await tf.ready();
    return tf.getBackend() === "tensorflow";
  } catch {
    return false;
  }
}

type ProcessEvent = "uncaughtException" | "unhandledRejection";
const PROCESS_EVENTS: ProcessEvent[] = ["uncaughtException", "unhandledRejection"];

function processListeners(): Map<ProcessEvent, Function[]> {
  return new Map(PROCESS_EVENTS.map((e) => [e, process.listeners(e)]));
}

/**
 * The emscripten loader of the wasm backend installs process-wide uncaughtException /
 * unhandledRejection handlers that merely rethrow — which makes Node report any later crash,
 * ours or not, at a line of minified wasm glue. Dropping them restores Node's own reporting.
 */
function removeListenersAddedSince(before: Map<ProcessEvent, Function[]>): void {
  for (const e of PROCESS_EVENTS) {
    for (const l of process.listeners(e)) {
      if (!before.get(e)!.includes(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
}
