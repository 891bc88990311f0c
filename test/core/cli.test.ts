import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { Command } from "commander";
import { buildCli, commandPath, main, NOT_WRITERS, WRITERS } from "../../pipelines/app/cli.ts";
import { readLedger, summariseRuns } from "../../pipelines/core/ledger.ts";
import { tmpDir } from "../helpers/records.ts";

function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  return fn().finally(() => { out.mockRestore(); err.mockRestore(); });
}

describe("commsight CLI", () => {
  it("every command has --help and it exits 0", async () => {
    const names = buildCli().commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(["generate", "extract", "transform", "train", "report", "run", "demo", "status"]));
    for (const name of names) {
      expect(await quiet(() => main(["node", "commsight", name, "--help"])), name).toBe(0);
    }
  });

  it("every command either takes the data folder's writer lock or is listed as not writing it", () => {
    const leaves = (c: Command): Command[] => (c.commands.length ? c.commands.flatMap(leaves) : [c]);
    const paths = leaves(buildCli()).map(commandPath);
    expect(paths.filter((p) => WRITERS.has(p) === NOT_WRITERS.has(p))).toEqual([]); // in exactly one list
    expect([...WRITERS, ...NOT_WRITERS].filter((p) => !paths.includes(p))).toEqual([]); // no stale names
  });

  it("bad usage exits 2, a failed run exits 1 and is recorded in the ledger", async () => {
    const data = tmpDir("cli-");
    expect(await quiet(() => main(["node", "commsight", "--data", data, "train", "nonsense"]))).toBe(2);
    expect(await quiet(() => main(["node", "commsight", "--data", data, "generate", "--scale", "galactic"]))).toBe(2);
    expect(await quiet(() => main(["node", "commsight", "--data", data, "extract", "--input", join(data, "missing")]))).toBe(1);
    const [run] = summariseRuns(readLedger(join(data, "runs", "ledger.jsonl")));
    expect(run).toMatchObject({ command: "extract", status: "failed" });
    expect(run!.stages[0]).toMatchObject({ stage: "extract", status: "failed" });
    expect(run!.stages[0]!.error).toMatch(/does not exist/);
  });
});
