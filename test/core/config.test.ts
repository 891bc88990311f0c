import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../../pipelines/core/config.ts";

describe("config", () => {
  it("needs no file: embedded defaults run the demo", () => {
    const c = parseConfig({});
    expect(c.business.timezone).toBe("America/New_York");
    expect(c.demo).toMatchObject({ scale: "small", seed: 42 });
    expect(c.models.churn.label).toEqual({ kind: "explicit", field: "churned", horizonDays: 14 });
  });

  it("a bad value names the key, the value and what was expected", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "commsight.config.yaml");
    writeFileSync(file, "demo:\n  scale: huge\nmodels:\n  forecast:\n    horizonDays: -3\n");
    let err: unknown;
    try { loadConfig(file); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toMatch(/demo\.scale: got "huge"; .*"small"/);
    expect(msg).toMatch(/models\.forecast\.horizonDays: got -3; .*(>0|positive|greater)/i);
  });

  it("rejects unknown keys and a missing named file", () => {
    expect(() => parseConfig({ busness: {} })).toThrow(/busness/);
    expect(() => loadConfig("/nonexistent/commsight.config.yaml")).toThrow(/does not exist/);
  });

  it("takes values from the file and overrides from the command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "c.yaml");
    writeFileSync(file, "business:\n  timezone: Europe/Berlin\ndemo:\n  seed: 5\n");
    const c = loadConfig(file, { demo: { seed: 9 } });
    expect(c.business.timezone).toBe("Europe/Berlin");
    expect(c.demo.seed).toBe(9);
  });
});
