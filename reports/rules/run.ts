/**
 * `commsight alerts run`: evaluate every rule as of the last day of data (or a given day), record what
 * fired and what cleared in the alert journal, then send the actions owed — new alerts' and any that
 * failed or were cut short before — through the action ledger, so nothing is sent twice.
 */
import { join } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { openDb } from "../../pipelines/core/duckdb.ts";
import { log } from "../../pipelines/core/log.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import type { Alert } from "../actions/alert.ts";
import { contactResolver } from "../actions/contacts.ts";
import { dispatchAlert, type Outcome } from "../actions/dispatch.ts";
import { ActionLedger } from "../actions/ledger.ts";
import { lastDataDay } from "../shared/sql.ts";
import { evaluateRule, type Condition } from "./evaluate.ts";
import { AlertJournal, stateKey } from "./journal.ts";
import { loadRules } from "./load.ts";
import type { Rule } from "./schema.ts";

export type AlertsOptions = {
  /** Evaluate as of this day (default: the last day of data). */
  date?: string | undefined;
  /** Evaluate and print, write nothing, send nothing. */
  dryRun?: boolean;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
};

export type AlertsResult = {
  asOf: string;
  rulesFile: string;
  evaluated: { ruleId: string; conditions: Condition[]; skipped?: string }[];
  fired: Alert[];
  cleared: { ruleId: string; condition: string }[];
  suppressed: { ruleId: string; condition: string; reason: string }[];
  outcomes: Outcome[];
};

export function statePaths(config: Config) {
  const dir = join(lakePaths(config).data, "state");
  return { dir, alerts: join(dir, "alerts.jsonl"), actions: join(dir, "actions.jsonl") };
}

const ruleName = (r: Rule) => r.name ?? r.id;

export async function runAlerts(config: Config, opts: AlertsOptions = {}): Promise<AlertsResult> {
  const now = opts.now ?? (() => new Date());
  const env = opts.env ?? process.env;
  const paths = lakePaths(config);
  const { file, rules } = loadRules(config);
  const state = statePaths(config);
  const journal = new AlertJournal(state.alerts);
  const result: AlertsResult = { asOf: "", rulesFile: file, evaluated: [], fired: [], cleared: [], suppressed: [], outcomes: [] };

  const db = await openDb();
  try {
    const asOf = opts.date ?? (await lastDataDay(db, paths, "evaluate rules"));
    result.asOf = asOf;
    for (const rule of rules.rules.filter((r) => r.enabled)) {
      const ev = await evaluateRule({ db, paths, asOf }, rule);
      result.evaluated.push({ ruleId: rule.id, conditions: ev.conditions, ...(ev.skipped ? { skipped: ev.skipped } : {}) });
    }
  } finally {
    db.close();
  }
  if (opts.dryRun) return result;

  const states = journal.states();
  const at = now();
  for (const rule of rules.rules.filter((r) => r.enabled)) {
    const ev = result.evaluated.find((e) => e.ruleId === rule.id)!;
    if (ev.skipped) continue; // no data is not "cleared": leave the state as it is
    const holding = new Set(ev.conditions.map((c) => c.condition));
    for (const c of ev.conditions) {
      const s = states.get(stateKey(rule.id, c.condition));
      if (s?.firing) continue; // no repeat alert for the same condition until it clears
      if (s?.lastFiredAt && at.getTime() - Date.parse(s.lastFiredAt) < rule.cooldown) {
        result.suppressed.push({ ruleId: rule.id, condition: c.condition, reason: `cooling down since ${s.lastFiredAt}` });
        continue;
      }
      const alert: Alert = {
        key: `${rule.id}|${c.condition}|${c.period}`, ruleId: rule.id, ruleName: ruleName(rule), severity: rule.severity,
        condition: c.condition, title: c.title, text: c.text, period: c.period, firedAt: at.toISOString(),
        ...(c.metric ? { metric: c.metric } : {}), ...(c.value !== undefined ? { value: c.value } : {}),
        ...(c.threshold !== undefined ? { threshold: c.threshold } : {}), ...(c.contactId ? { contactId: c.contactId } : {}),
        ...(c.tag ? { tag: c.tag } : {}),
      };
      journal.append({ type: "fired", ruleId: rule.id, condition: c.condition, at: alert.firedAt, alert, actions: rule.actions });
      result.fired.push(alert);
    }
    for (const [k, s] of states) {
      const [ruleId, condition] = k.split("\u0000") as [string, string];
      if (ruleId === rule.id && s.firing && !holding.has(condition)) {
        journal.append({ type: "cleared", ruleId, condition, at: at.toISOString() });
        result.cleared.push({ ruleId, condition });
      }
    }
  }

  // Every alert of the last retryDays owes its actions until the ledger says sent (or in doubt, or given up).
  const ledger = new ActionLedger(state.actions, now);
  const since = new Date(at.getTime() - config.rules.retryDays * 86_400_000).toISOString();
  const ctx = {
    ledger, env, smtp: config.delivery.email.smtp, now, maxAttempts: config.rules.maxAttempts,
    retry: { retries: config.rules.retries, baseMs: config.rules.backoffSeconds * 1000, maxMs: 60_000 },
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    resolveContact: contactResolver(paths, env),
  };
  for (const f of journal.firedSince(since)) {
    for (const name of f.actions) {
      const dest = rules.destinations[name];
      if (!dest) {
        // The rules file changed since the alert fired: nothing to send it to any more.
        result.outcomes.push({ key: `${f.alert.key}|${name}`, destination: name, status: "skipped", detail: `no destination named ${name} in ${file} any more` });
        continue;
      }
      const outcome = await dispatchAlert(ctx, name, dest, f.alert);
      if (outcome.status !== "skipped") log.info({ key: outcome.key, status: outcome.status, detail: outcome.detail }, "alert action");
      result.outcomes.push(outcome);
    }
  }
  return result;
}
