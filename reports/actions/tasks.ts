/**
 * Tasks in trackers: Linear (GraphQL `issueCreate` at https://api.linear.app/graphql, personal API key
 * as the raw Authorization header) and Asana (POST /api/1.0/tasks with {"data": {...}}, Bearer token).
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import type { Alert } from "./alert.ts";
import { secret, type AsanaDestination, type LinearDestination } from "./destinations.ts";
import { HttpError, requestJson } from "./http.ts";

export const LINEAR_ISSUE_CREATE = `mutation CommsightIssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { id identifier url } }
}`;

/** A UUID v4-shaped id derived from the idempotency key: Linear refuses a second issue with the same id. */
export function uuidFromKey(key: string): string {
  const h = createHash("sha256").update(key).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const PRIORITY = { critical: 1, warning: 2, info: 3 } as const;

export function taskDescription(alert: Alert): string {
  return [alert.text, "", `Rule: ${alert.ruleName} (${alert.ruleId})`, `Severity: ${alert.severity}`, `Period: ${alert.period}`,
    ...(alert.contactId ? [`Contact: ${alert.contactId}`] : []), `Alert key: ${alert.key}`].join("\n");
}

export async function createLinearIssue(dest: z.infer<typeof LinearDestination>, alert: Alert, env: NodeJS.ProcessEnv): Promise<string> {
  const apiKey = secret(env, dest.apiKeyEnv, "linear destination");
  const input = {
    id: uuidFromKey(alert.key), teamId: dest.teamId, title: alert.title, description: taskDescription(alert),
    priority: dest.priority ?? PRIORITY[alert.severity], ...(dest.labelIds.length ? { labelIds: dest.labelIds } : {}),
  };
  const res = await requestJson("POST", dest.endpoint, { query: LINEAR_ISSUE_CREATE, variables: { input } }, { authorization: apiKey });
  const json = JSON.parse(res.body) as { data?: { issueCreate?: { success: boolean; issue?: { identifier?: string; id?: string } } }; errors?: { message: string }[] };
  if (json.errors?.length) {
    const msg = json.errors.map((e) => e.message).join("; ");
    // A retry after an unknown outcome: the issue with our id already exists, which is what we wanted.
    if (/already exists|duplicate/i.test(msg)) return `linear issue ${input.id} (already created)`;
    throw new HttpError(res.status, res.body, null, `linear issueCreate failed: ${msg}`);
  }
  if (!json.data?.issueCreate?.success) throw new HttpError(res.status, res.body, null, "linear issueCreate returned success: false");
  return `linear issue ${json.data.issueCreate.issue?.identifier ?? json.data.issueCreate.issue?.id ?? input.id}`;
}

export async function createAsanaTask(dest: z.infer<typeof AsanaDestination>, alert: Alert, env: NodeJS.ProcessEnv): Promise<string> {
  const token = secret(env, dest.tokenEnv, "asana destination");
  const data = {
    name: alert.title, notes: taskDescription(alert), workspace: dest.workspace,
    ...(dest.projects.length ? { projects: dest.projects } : {}), ...(dest.assignee ? { assignee: dest.assignee } : {}),
  };
  const res = await requestJson("POST", `${dest.endpoint.replace(/\/$/, "")}/tasks`, { data }, { authorization: `Bearer ${token}`, accept: "application/json" });
  const json = JSON.parse(res.body) as { data?: { gid?: string } };
  return `asana task ${json.data?.gid ?? "?"}`;
}
