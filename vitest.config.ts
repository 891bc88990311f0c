import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    // The CLI assembles the config from every module's section (pipelines/app/config.ts); tests do too.
    setupFiles: ["pipelines/app/config.ts"],
  },
});
