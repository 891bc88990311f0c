/**
 * What a DuckDB database may use, from the config (`duckdb:` section): a memory limit, and a spill
 * folder inside the data folder. Every stage applies it before it opens a database, so a stage's
 * memory is bounded by configuration rather than by the size of the data (DuckDB spills sorts,
 * joins, aggregates and in-memory tables past the limit to the spill folder).
 */
import { join, resolve } from "node:path";
import { z } from "zod";
import { registerConfigSection, type Config } from "../core/config.ts";
import { setDuckDbDefaults } from "../core/duckdb.ts";
import type { Paths } from "../core/paths.ts";

export const DuckDbConfigSchema = z.strictObject({
  /** DuckDB's memory_limit for each database a stage opens (e.g. "2GB"); DuckDB's own default is 80% of RAM. */
  memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, "a size such as 2GB or 512MiB").default("2GB"),
  /** Where DuckDB spills past the limit (default: lake/.staging/duckdb-spill in the data folder). */
  spillDir: z.string().optional(),
}).prefault({});

registerConfigSection("duckdb", DuckDbConfigSchema);

declare module "../core/config.ts" {
  interface ConfigSections {
    duckdb: z.infer<typeof DuckDbConfigSchema>;
  }
}

/** Set the memory limit and spill folder every database opened from now on gets. */
export function applyDuckDbConfig(config: Config, paths: Paths): void {
  const c = (config as Partial<Config>).duckdb ?? DuckDbConfigSchema.parse({});
  setDuckDbDefaults({ memory_limit: c.memoryLimit, temp_directory: c.spillDir ? resolve(paths.data, c.spillDir) : join(paths.staging, "duckdb-spill") });
}
