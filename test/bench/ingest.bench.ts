/**
 * File-drop ingest: rows/s of `extract --source <file drop>` (read, map, validate against the zod
 * schema in DuckDB, merge, write day partitions, publish) on a generated CSV export, against bare
 * DuckDB doing the same read and COPY in the same run: to one zstd Parquet file, and to the same
 * day partitions the lake uses (the honest comparison: ~700 small files cost more than one). The
 * ratios are what to watch (the machines are shared and noisy); each runs three times, median kept.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bench } from "./index.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, lit, openDb } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { importSources } from "../../pipelines/sources/files/import.ts";
import { Mapping } from "../../pipelines/sources/files/config.ts";

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 1_000_000);

/** A phone system's call export: ISO times with offsets, agent names, outcome codes, E.164 callers. */
const MAPPING = {
  format: "csv",
  timezone: "America/Chicago",
  line: { id: "PNbench", name: "Bench line", number: "+13125550100" },
  targets: {
    calls: {
      fields: {
        id: { template: "AC{call_id}" },
        direction: { column: "dir", map: { IN: "incoming", OUT: "outgoing" } },
        status: { column: "result", map: { ANS: "completed", ABN: "abandoned", VM: "missed", BSY: "busy" } },
        createdAt: { timestamp: "started" },
        answeredAt: { timestamp: "answered" },
        completedAt: { timestamp: "ended" },
        duration: "talk_seconds",
        answeredBy: { template: "US{agent}", when: { column: "agent", empty: false } },
        userId: { firstOf: [{ template: "US{agent}", when: { column: "agent", empty: false } }, { const: "USowner" }] },
        participants: { list: ["caller"] },
      },
    },
  },
};

async function generate(file: string): Promise<void> {
  const db = await openDb();
  try {
    await exec(db, `COPY (
      SELECT i AS call_id,
             CASE WHEN i % 5 = 0 THEN 'OUT' ELSE 'IN' END AS dir,
             ['ANS', 'ANS', 'ANS', 'ABN', 'VM', 'BSY'][1 + i % 6] AS result,
             strftime(TIMESTAMPTZ '2024-01-01 08:00:00+00' + to_seconds(i * 61), '%Y-%m-%dT%H:%M:%S+00:00') AS started,
             CASE WHEN i % 6 < 3 THEN strftime(TIMESTAMPTZ '2024-01-01 08:00:10+00' + to_seconds(i * 61), '%Y-%m-%dT%H:%M:%S+00:00') END AS answered,
             strftime(TIMESTAMPTZ '2024-01-01 08:04:00+00' + to_seconds(i * 61), '%Y-%m-%dT%H:%M:%S+00:00') AS ended,
             CASE WHEN i % 6 < 3 THEN 230 ELSE 0 END AS talk_seconds,
             CASE WHEN i % 6 < 3 THEN 'agent' || (i % 40) END AS agent,
             '+1312555' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') AS caller,
             'queue-' || (i % 7) AS queue
      FROM range(1, ${ROWS + 1}) t(i)
    ) TO ${lit(file)} (FORMAT csv, HEADER true)`);
  } finally {
    db.close();
  }
}

async function bare(file: string, out: string): Promise<number> {
  const db = await openDb(":memory:", { threads: "2" });
  try {
    const t = performance.now();
    await exec(db, `COPY (SELECT * FROM read_csv(${lit(file)})) TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd)`);
    return (performance.now() - t) / 1000;
  } finally {
    db.close();
  }
}

/** The same read, COPY to the lake's layout: one file per UTC day of the start time. */
async function barePartitioned(file: string, out: string): Promise<number> {
  const db = await openDb(":memory:", { threads: "2" });
  try {
    const t = performance.now();
    await exec(db, `COPY (SELECT *, strftime(started::TIMESTAMPTZ AT TIME ZONE 'UTC', '%Y-%m-%d') AS date FROM read_csv(${lit(file)}))
      TO ${lit(out)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}')`);
    return (performance.now() - t) / 1000;
  } finally {
    db.close();
    rmSync(out, { recursive: true, force: true });
  }
}

async function ours(file: string): Promise<number> {
  const data = mkdtempSync(join(tmpdir(), "bench-ingest-"));
  try {
    const paths = lakePaths(parseConfig({ paths: { data } }));
    const t = performance.now();
    const r = await importSources(paths, [{ name: "bench", path: file, mapping: Mapping.parse(MAPPING) }]);
    const s = (performance.now() - t) / 1000;
    const rec = r.reconciliation![0]!;
    if (rec.read !== ROWS || rec.quarantined !== 0) throw new Error(`expected ${ROWS} rows landed, got ${JSON.stringify(rec)} ${r.quarantined[0]?.reason ?? ""}`);
    return s;
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bench: Bench = {
  title: `File-drop ingest vs bare DuckDB read + COPY (${ROWS.toLocaleString("en-US")}-row CSV)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), "bench-drop-"));
    try {
      const file = join(dir, "calls.csv");
      await generate(file);
      const a: number[] = [];
      const b: number[] = [];
      const c: number[] = [];
      for (let i = 0; i < 3; i++) {
        b.push(await bare(file, join(dir, `bare-${i}.parquet`)));
        c.push(await barePartitioned(file, join(dir, `parts-${i}`)));
        a.push(await ours(file));
      }
      const [ingest, duck, duckParts] = [median(a), median(b), median(c)];
      return [
        { name: "ingest (map, validate, merge, partition, publish)", value: Math.round(ROWS / ingest), unit: "rows/s", note: `${ingest.toFixed(2)} s` },
        { name: "bare DuckDB read_csv + COPY to one Parquet file", value: Math.round(ROWS / duck), unit: "rows/s", note: `${duck.toFixed(2)} s` },
        { name: "bare DuckDB read_csv + COPY to day partitions", value: Math.round(ROWS / duckParts), unit: "rows/s", note: `${duckParts.toFixed(2)} s` },
        { name: "ratio ingest / bare, same day partitions", value: Number((ingest / duckParts).toFixed(2)), unit: "x", note: "aim ≤ 1.3" },
        { name: "ratio ingest / bare, one file", value: Number((ingest / duck).toFixed(2)), unit: "x" },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
