import { defineConfig } from "vitest/config";
import SharedDemoSequencer from "./test/setup/sequencer.ts";

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
    // One small demo per run, built while the files that need none run first (test/setup/sharedDemo.ts);
    // the teardown checks nobody wrote into it and removes it.
    sequence: { sequencer: SharedDemoSequencer },
    globalSetup: ["test/setup/global.ts"],
  },
});
