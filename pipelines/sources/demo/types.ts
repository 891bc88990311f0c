/** Shared in-memory shapes of the demo generator (records written to files live in the schemas). */
import type { LineName } from "./topics.ts";

export interface Agent {
  idx: number;
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  line: number;
  role: string;
  /** Multiplier on talk time (the agent's handle-time tendency). */
  handle: number;
  /** Relative share of the line's calls the agent takes. */
  weight: number;
}

export interface Line {
  idx: number;
  name: LineName;
  id: string;
  number: string;
  formatted: string;
  createdMs: number;
  agents: Agent[];
  agentCum: Float64Array;
  owner: Agent;
}

export const SEGMENTS = ["Consumer", "Small business", "Enterprise"] as const;

/** Contacts as parallel columns (cheap at a million contacts), sorted by customer-since. */
export interface Contacts {
  n: number;
  id: string[];
  number: string[];
  first: Uint16Array;
  last: Uint16Array;
  segment: Uint8Array;
  optedOut: Uint8Array;
  sinceMs: Float64Array;
  /** Churn instant, or NaN. */
  churnMs: Float64Array;
  /** No new interaction of this contact starts at or after this instant (Infinity if none). */
  cutoffMs: Float64Array;
  /** 0 = stays, 1 = churn group (planted drivers), 2 = baseline churn. */
  churnKind: Uint8Array;
}
