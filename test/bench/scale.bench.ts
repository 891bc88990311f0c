/**
 * `npm run bench scale`: what a night costs at a given size. `BENCH_SCALE` = small (default), or the
 * opt-in medium (~1M calls: tens of minutes and several GiB) and large (~10M calls: hours, ~25 GB of
 * sources; see the README's scale section for what does not fit yet). Seed 42 (`BENCH_SEED`).
 *
 * Everything runs through the real CLI in child processes, each under `/usr/bin/time -f '%U %S %M'`,
 * with the clock frozen (COMMSIGHT_TODAY) to the day after the data's last day, as a real night would be:
 *   night 1 — `generate --end-date <end − 1>`, then every stage of `commsight run` one at a time
 *             (`run --select <stage>`, in the order `run --list` gives): the full run over all history;
 *   night 2 — `generate` to <end> (the same business, one more day: `--end-date` extends it), the clock a
 *             day later, every stage again: the cost of one new day;
 *   night 3 — the same stages again over the same data: a night with no new data;
 * and each night's cost relative to the first. CPU-seconds are user + system of the process and every child it
 * waited for (wall time is meaningless on a shared machine); peak RSS is the largest single process's
 * (GNU time's %M: Chromium's renderers are separate processes and are not summed). Disk is `du` of the
 * data folder and of its top-level entries after each night.
 *
 * The data folder is data/tmp/bench-scale-<scale> (`BENCH_SCALE_DIR` to put it elsewhere; it is
 * removed first and, unless `BENCH_SCALE_KEEP=1`, after). The table is also written as Markdown to
 * data/bench/scale-<scale>.md.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bench, BenchFigure } from "./index.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "pipelines", "bin", "commsight.mjs");
const SCALES = ["small", "medium", "large"] as const;

type Cost = { label: string; cpu: number; user: number; sys: number; rssMiB: number; code: number };

const round = (v: number, d = 1) => Number(v.toFixed(d));

/** Run the CLI with args under /usr/bin/time; throws with the end of stderr when it fails. */
function timed(label: string, dir: string, args: string[], env: NodeJS.ProcessEnv): Cost {
  const timeFile = join(dir, "time.out");
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", timeFile, process.execPath, CLI, ...args], {
    cwd: ROOT, env, encoding: "utf8", maxBuffer: 1 << 28,
  });
  const last = readFileSync(timeFile, "utf8").trim().split("\n").at(-1)!;
  const [user, sys, kb] = last.split(" ").map(Number) as [number, number, number];
  const cost = { label, user, sys, cpu: user + sys, rssMiB: kb / 1024, code: r.status ?? -1 };
  process.stdout.write(`    ${label.padEnd(34)} ${cost.cpu.toFixed(1).padStart(8)} CPU-s ${cost.rssMiB.toFixed(0).padStart(7)} MiB${cost.code ? `  exit ${cost.code}` : ""}\n`);
  if (cost.code !== 0) throw new Error(`${label} (commsight ${args.join(" ")}) exited ${cost.code}:\n${(r.stderr ?? "").split("\n").slice(-30).join("\n")}`);
  return cost;
}

/** Bytes used by a path (du: blocks actually allocated, apparent size of sparse files not counted). */
function du(path: string): number {
  if (!existsSync(path)) return 0;
  return Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]) * 1024;
}

/** The data folder, its top-level entries, and the lake's layers (raw, enriched, marts) on their own. */
function diskOf(data: string): Record<string, number> {
  const out: Record<string, number> = { total: du(data) };
  for (const e of readdirSync(data).sort()) {
    if (e === "lake") for (const l of readdirSync(join(data, e)).filter((l) => !l.startsWith(".")).sort()) out[`lake/${l}`] = du(join(data, e, l));
    else out[e] = du(join(data, e));
  }
  return out;
}

const gib = (b: number) => (b >= 1 << 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);

const bench: Bench = {
  title: `Scale: every stage of \`commsight run\` over the history, then a night with one new day and a night with no new data (BENCH_SCALE=${process.env.BENCH_SCALE ?? "small"})`,
  async run() {
    const scale = (process.env.BENCH_SCALE ?? "small") as (typeof SCALES)[number];
    if (!SCALES.includes(scale)) throw new Error(`BENCH_SCALE must be one of ${SCALES.join(", ")}, not ${scale}`);
    const seed = process.env.BENCH_SEED ?? "42";
    const dir = process.env.BENCH_SCALE_DIR ?? join(ROOT, "data", "tmp", `bench-scale-${scale}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const data = join(dir, "data");
    const config = join(dir, "commsight.config.yaml");
    // Models retrain weekly (a new labelled snapshot comes once a week) and only score on other nights, as a nightly deployment would configure them.
    writeFileSync(config, `demo: { scale: ${scale}, seed: ${seed} }\nmodels: { retrain: { churn: { everyDays: 7 }, opportunity: { everyDays: 7 }, forecast: { everyDays: 7 } } }\n`);
    // Never the network, never a developer's settings.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    for (const k of ["COMMSIGHT_LOG_FORMAT", "COMMSIGHT_LOG_LEVEL", "COMMSIGHT_DEBUG", "OPENPHONE_API_KEY", "OPENPHONE_BASE_URL", "NODE_OPTIONS"]) delete env[k];
    const base = ["--config", config, "--data", data, "--quiet"];

    try {
      const list = spawnSync(process.execPath, [CLI, ...base, "run", "--list"], { cwd: ROOT, env, encoding: "utf8" });
      if (list.status !== 0) throw new Error(`run --list failed: ${list.stderr}`);
      const stages = [...list.stdout.matchAll(/^\s*\d+\.\s+(\S+)/gm)].map((m) => m[1]!);
      if (stages.length === 0) throw new Error(`run --list printed no stages:\n${list.stdout}`);

      process.stdout.write(`  ${scale}, seed ${seed}, in ${data}; stages: ${stages.join(", ")}\n`);
      // What starting the CLI costs (tsx, config): every stage below pays it once.
      const startup = timed("CLI start (run --list)", dir, [...base, "run", "--list"], env);
      const end = process.env.BENCH_END_DATE ?? "2026-11-15";
      const day = (d: string, by: number) => new Date(Date.parse(`${d}T00:00:00Z`) + by * 86_400_000).toISOString().slice(0, 10);
      const gen = timed("generate (to the day before)", dir, [...base, "generate", "--scale", scale, "--seed", seed, "--end-date", day(end, -1)], env);
      const night = (n: number, today: string) => stages.map((s) => timed(`night ${n}: ${s}`, dir, [...base, "run", "--select", s], { ...env, COMMSIGHT_TODAY: today }));
      const first = night(1, end);
      const disk1 = diskOf(data);
      const gen2 = timed("generate (one more day)", dir, [...base, "generate", "--scale", scale, "--seed", seed, "--end-date", end], env);
      const sources = du(join(data, "sources"));
      const second = night(2, day(end, 1));
      const third = night(3, day(end, 1));
      const disk3 = diskOf(data);

      const sum = (cs: Cost[]) => cs.reduce((a, c) => a + c.cpu, 0);
      const peak = (cs: Cost[]) => Math.max(...cs.map((c) => c.rssMiB));
      const t1 = sum(first), t2 = sum(second), t3 = sum(third);
      const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "—");

      const rows = stages.map((s, i) => `| ${s} | ${first[i]!.cpu.toFixed(1)} | ${first[i]!.rssMiB.toFixed(0)} | ${second[i]!.cpu.toFixed(1)} | ${second[i]!.rssMiB.toFixed(0)} | ${ratio(second[i]!.cpu, first[i]!.cpu)} | ${third[i]!.cpu.toFixed(1)} | ${ratio(third[i]!.cpu, first[i]!.cpu)} |`);
      const table = [
        `| ${scale} (seed ${seed}) | night 1, full history: CPU-s | peak RSS MiB | night 2, one new day: CPU-s | peak RSS MiB | ÷ night 1 | night 3, no new data: CPU-s | ÷ night 1 |`,
        "|---|---|---|---|---|---|---|---|",
        `| generate | ${gen.cpu.toFixed(1)} | ${gen.rssMiB.toFixed(0)} | ${gen2.cpu.toFixed(1)} | ${gen2.rssMiB.toFixed(0)} | | | |`,
        ...rows,
        `| **run, all stages** | **${t1.toFixed(1)}** | **${peak(first).toFixed(0)}** | **${t2.toFixed(1)}** | **${peak(second).toFixed(0)}** | **${ratio(t2, t1)}** | **${t3.toFixed(1)}** | **${ratio(t3, t1)}** |`,
        `| (CLI start, paid by each stage) | ${startup.cpu.toFixed(1)} | ${startup.rssMiB.toFixed(0)} | | | | | |`,
        "",
        `Disk: sources ${gib(sources)}; data folder after night 1 ${gib(disk1.total!)}, after night 3 ${gib(disk3.total!)} (${Object.entries(disk3).filter(([k]) => k !== "total").map(([k, v]) => `${k} ${gib(v)}`).join(", ")}).`,
      ].join("\n");
      mkdirSync(join(ROOT, "data", "bench"), { recursive: true });
      writeFileSync(join(ROOT, "data", "bench", `scale-${scale}.md`), `${table}\n`);
      process.stdout.write(`\n${table}\n\n`);

      const figures: BenchFigure[] = [
        { name: "CLI start (run --list)", value: round(startup.cpu), unit: "CPU-s" },
        { name: "generate", value: round(gen.cpu), unit: "CPU-s", note: `peak RSS ${gen.rssMiB.toFixed(0)} MiB` },
        ...stages.flatMap((s, i) => [
          { name: `night 1: ${s}`, value: round(first[i]!.cpu), unit: "CPU-s", note: `peak RSS ${first[i]!.rssMiB.toFixed(0)} MiB` },
          { name: `one new day: ${s}`, value: round(second[i]!.cpu), unit: "CPU-s", note: `peak RSS ${second[i]!.rssMiB.toFixed(0)} MiB` },
          { name: `no new data: ${s}`, value: round(third[i]!.cpu), unit: "CPU-s", note: `peak RSS ${third[i]!.rssMiB.toFixed(0)} MiB` },
        ]),
        { name: "night 1: run, all stages", value: round(t1), unit: "CPU-s", note: `peak RSS ${peak(first).toFixed(0)} MiB` },
        { name: "one new day: run, all stages", value: round(t2), unit: "CPU-s", note: `peak RSS ${peak(second).toFixed(0)} MiB` },
        { name: "no new data: run, all stages", value: round(t3), unit: "CPU-s", note: `peak RSS ${peak(third).toFixed(0)} MiB` },
        { name: "one new day ÷ night 1", value: round(t2 / t1, 3), unit: "×" },
        { name: "no new data ÷ night 1", value: round(t3 / t1, 3), unit: "×" },
        { name: "disk: sources", value: round(sources / 2 ** 20), unit: "MiB" },
        { name: "disk: data folder after night 1", value: round(disk1.total! / 2 ** 20), unit: "MiB" },
        { name: "disk: data folder after night 3", value: round(disk3.total! / 2 ** 20), unit: "MiB" },
        ...Object.entries(disk3).filter(([k]) => k !== "total").map(([k, v]) => ({ name: `disk after night 3: ${k}`, value: round(v / 2 ** 20), unit: "MiB" })),
      ];
      return figures;
    } finally {
      if (process.env.BENCH_SCALE_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
