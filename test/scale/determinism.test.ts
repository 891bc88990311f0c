/**
 * Same inputs, same marts, to the bit (issue 17, item 9): a short demo business is extracted once,
 * transformed twice (the second a full refresh), and every mart's content (all rows, order-
 * insensitive, floats as printed in full) must have the same digest; a changed record must change
 * the digests of the marts that read it (so the comparison can fail).
 */
import { afterAll, describe, expect, it } from "vitest";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import "../../pipelines/app/config.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { extractFiles } from "../../pipelines/extract/index.ts";
import { runTransforms } from "../../pipelines/transform/run.ts";
import { martDigests } from "../../pipelines/transform/digest.ts";
import { cleanup, generateInto } from "../demo/helpers.ts";
import { tmpDir } from "../helpers/records.ts";

describe("transform determinism", () => {
  afterAll(cleanup);

  it("two transforms over the same lake give byte-identical mart content", async () => {
    const demo = await generateInto("det-transform", { years: 0.4, seed: 11 });
    const data = tmpDir("data-");
    const config = parseConfig({ paths: { data } });
    const paths = lakePaths(config);
    await extractFiles(paths, demo.outDir);
    await runTransforms(config, paths);
    const first = await martDigests(paths.marts);
    await runTransforms(config, paths, { fullRefresh: true });
    const second = await martDigests(paths.marts);
    expect(Object.keys(first).length).toBeGreaterThan(30);
    for (const m of ["contact_features", "opportunity_features", "interactions", "daily_volume"]) expect(first[m]!.rows, m).toBeGreaterThan(0);
    expect(second).toEqual(first);

    // One more call (a copy of the last one under a new id): the marts that count calls change, so
    // equal digests are not vacuous.
    const file = join(demo.outDir, "calls", readdirSync(join(demo.outDir, "calls")).sort().pop()!);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    appendFileSync(file, JSON.stringify({ ...JSON.parse(lines[lines.length - 1]!), id: "ACdeterminism1" }) + "\n");
    await extractFiles(paths, demo.outDir);
    await runTransforms(config, paths, { fullRefresh: true });
    const third = await martDigests(paths.marts);
    expect(third.daily_volume).not.toEqual(first.daily_volume);
  }, 900_000);
});
