/**
 * Config assembly: every module that owns a config section registers it with core when loaded
 * (core imports none of them). Importing this file loads them all, so a config parsed after it
 * has every section; the CLI, the scheduler and the test setup import it first.
 */
import "../privacy/config.ts";
import "../sources/files/config.ts";
import "../../models/text/config.ts";
import "../../models/staffing/config.ts";
import "../../models/opportunity/config.ts";
import "../../models/shared/registry.ts";
import "../../models/shared/retrain.ts";
import "../../reports/rules/config.ts";
import "../../reports/delivery/config.ts";
import "../../reports/coaching/config.ts";
import "./schedule/config.ts";
import "../transform/resources.ts";

export { loadConfig, parseConfig, ConfigError, type Config } from "../core/config.ts";
