/**
 * Saving and loading tfjs LayersModels on the local file system (tfjs without tfjs-node has
 * no file:// handler): a custom tf.io.IOHandler writes the standard `model.json` +
 * `weights.bin` pair. Versions live in `data/models/<name>/<version>/`, written under a temporary
 * name and renamed into place, so readers never see half a model; which version serves is kept
 * by the registry (registry.ts), which also bounds how many version folders stay (a refused retrain
 * is not saved here at all: callers save only a promoted candidate).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Paths } from "../../pipelines/core/paths.ts";
import { tf } from "./tf.ts";

const MODEL_JSON = "model.json";
const WEIGHTS_BIN = "weights.bin";

/** An IOHandler reading/writing model.json + weights.bin in a directory. */
export function dirHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error("binary model topologies are not supported");
      mkdirSync(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeFileSync(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      writeFileSync(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), "utf8")) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers = manifest.flatMap((g) => g.paths).map((p) => {
          const b = readFileSync(join(dir, p));
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        });
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/** `v` + UTC timestamp YYYYMMDDTHHMMSS. */
export function versionAt(date: Date): string {
  return "v" + date.toISOString().replace(/[-:]/g, "").slice(0, 15);
}

/** A fresh version for a model name: now, or the next free second if that directory exists. */
export function newVersion(paths: Paths, name: string, now = new Date()): string {
  let t = Math.floor(now.getTime() / 1000) * 1000;
  while (existsSync(join(paths.models, name, versionAt(new Date(t))))) t += 1000;
  return versionAt(new Date(t));
}

export function configHash(section: unknown): string {
  return createHash("sha256").update(stableJson(section)).digest("hex").slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export type SavedModel = { version: string; dir: string; files: string[] };

/**
 * Write a model version: each part (a tfjs LayersModel) in `<version>/<part>/` as model.json +
 * weights.bin, `metadata.json` (everything needed to prepare inputs and serve), `metrics.json`.
 * The directory appears complete or not at all. Whether it serves is the registry's decision, taken
 * before: only a promoted candidate is saved (registry.recordVersion prunes the older folders).
 */
export async function saveModelVersion(
  paths: Paths,
  name: string,
  version: string,
  parts: Record<string, tf.LayersModel>,
  metadata: Record<string, unknown>,
  metricsDoc: Record<string, unknown>,
): Promise<SavedModel> {
  const root = join(paths.models, name);
  const dir = join(root, version);
  const tmp = join(root, `.${version}.${process.pid}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const files: string[] = [];
  for (const [part, model] of Object.entries(parts)) {
    await model.save(dirHandler(join(tmp, part)));
    files.push(join(dir, part, MODEL_JSON), join(dir, part, WEIGHTS_BIN));
  }
  writeFileSync(join(tmp, "metadata.json"), JSON.stringify(metadata) + "\n");
  writeFileSync(join(tmp, "metrics.json"), JSON.stringify({ version, ...metricsDoc }, null, 2) + "\n");
  if (existsSync(dir)) throw new Error(`model version ${dir} already exists`);
  renameSync(tmp, dir);
  return { version, dir, files: [...files, join(dir, "metadata.json"), join(dir, "metrics.json")] };
}

export type LoadedModel<M> = { version: string; dir: string; parts: Record<string, tf.LayersModel>; metadata: M; metrics: Record<string, unknown> };

/** Load a saved version's parts, metadata and metrics. */
export async function loadModelVersion<M = Record<string, unknown>>(paths: Paths, name: string, version: string): Promise<LoadedModel<M>> {
  const dir = join(paths.models, name, version);
  if (!existsSync(join(dir, "metadata.json"))) throw new Error(`no saved ${name} model ${version} in ${join(paths.models, name)}`);
  const parts: Record<string, tf.LayersModel> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && existsSync(join(dir, e.name, MODEL_JSON))) parts[e.name] = await tf.loadLayersModel(dirHandler(join(dir, e.name)));
  }
  const metadata = JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8")) as M;
  const metrics = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as Record<string, unknown>;
  return { version, dir, parts, metadata, metrics };
}
