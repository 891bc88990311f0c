/** The business's three lines, its agents, and its contacts (numbers, segments, tenure). */
import { Calendar, DAY_MS, iso } from "./calendar.ts";
import { AREA_CODES, businessAreaCode, COMPANY_HEADS, COMPANY_TAILS, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, ROLES_BY_SEGMENT } from "./names.ts";
import { cumulative, Rng } from "./rng.ts";
import { LINE_NAMES } from "./topics.ts";
import { SEGMENTS, type Agent, type Contacts, type Line } from "./types.ts";

/** Yearly growth of volume and of new customers. */
export const GROWTH_PER_YEAR = 0.25;
const SEGMENT_MIX = [0.65, 0.25, 0.1];
const OPT_OUT_SHARE = 0.03;
/** Share of contacts who were customers before the window starts. */
const PRE_WINDOW_SHARE = 0.55;

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "") || "example";
}

export function formatNanp(e164: string): string {
  return `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
}

/** Lines Sales, Support, Billing with their agents (Support biggest). */
export function buildStaff(rng: Rng, nAgents: number, tz: string, businessName: string, windowStartMs: number): { lines: Line[]; agents: Agent[] } {
  const perLine = [Math.round(nAgents * 0.3), 0, 0];
  perLine[2] = Math.round(nAgents * 0.28);
  perLine[1] = nAgents - perLine[0]! - perLine[2]!;
  const domain = `${slug(businessName)}.com`;
  const npa = businessAreaCode(tz);
  const usedNames = new Set<string>();
  const usedSuffix = new Set<number>();
  const agents: Agent[] = [];
  const lines: Line[] = LINE_NAMES.map((name, li) => {
    let suffix = rng.between(100, 199);
    while (usedSuffix.has(suffix)) suffix = rng.between(100, 199);
    usedSuffix.add(suffix);
    const number = `+1${npa}5550${suffix}`;
    const lineAgents: Agent[] = [];
    for (let k = 0; k < perLine[li]!; k++) {
      let first = rng.pick(FIRST_NAMES);
      let last = rng.pick(LAST_NAMES);
      while (usedNames.has(first + last)) {
        first = rng.pick(FIRST_NAMES);
        last = rng.pick(LAST_NAMES);
      }
      usedNames.add(first + last);
      const agent: Agent = {
        idx: agents.length,
        id: `US${rng.alnum(8)}`,
        firstName: first,
        lastName: last,
        email: `${first}.${last}@${domain}`.toLowerCase(),
        line: li,
        role: agents.length === 0 ? "owner" : "member",
        handle: Math.min(1.5, Math.max(0.7, rng.lognormal(1, 0.18))),
        weight: rng.uniform(0.6, 1.4),
      };
      agents.push(agent);
      lineAgents.push(agent);
    }
    return {
      idx: li,
      name,
      id: `PN${rng.alnum(8)}`,
      number,
      formatted: formatNanp(number),
      createdMs: windowStartMs - rng.between(700, 1100) * DAY_MS,
      agents: lineAgents,
      agentCum: cumulative(lineAgents.map((a) => a.weight)),
      owner: lineAgents[0]!,
    };
  });
  return { lines, agents };
}

/** Contacts sorted by customer-since; churn columns are filled in by churn.ts. */
export function buildContacts(rng: Rng, n: number, cal: Calendar, reserved: Set<string>): Contacts {
  const startMs = cal.windowStartMs;
  const endMs = cal.windowEndMs;
  const years = (endMs - startMs) / (365.25 * DAY_MS);
  const g = Math.log(1 + GROWTH_PER_YEAR);
  const since = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (rng.chance(PRE_WINDOW_SHARE)) {
      since[i] = startMs - rng.uniform(0, 4) * 365.25 * DAY_MS;
    } else {
      // New customers arrive in proportion to the growing volume.
      const u = rng.next();
      const t = Math.log(1 + u * (Math.exp(g * years) - 1)) / g;
      since[i] = startMs + t * 365.25 * DAY_MS;
    }
    since[i] = Math.min(endMs - DAY_MS, Math.floor(since[i]! / 1000) * 1000);
  }
  since.sort();
  const c: Contacts = {
    n,
    id: new Array<string>(n),
    number: new Array<string>(n),
    first: new Uint16Array(n),
    last: new Uint16Array(n),
    segment: new Uint8Array(n),
    optedOut: new Uint8Array(n),
    sinceMs: since,
    churnMs: new Float64Array(n).fill(NaN),
    cutoffMs: new Float64Array(n).fill(Infinity),
    churnKind: new Uint8Array(n),
  };
  const segCum = cumulative(SEGMENT_MIX);
  const used = new Set<string>(reserved);
  for (let i = 0; i < n; i++) {
    c.id[i] = rng.hex(3);
    let num: string;
    do {
      num = `+1${rng.pick(AREA_CODES)}${rng.between(201, 989)}${String(rng.int(10000)).padStart(4, "0")}`;
    } while (used.has(num) || num.slice(5, 8) === "555");
    used.add(num);
    c.number[i] = num;
    c.first[i] = rng.int(FIRST_NAMES.length);
    c.last[i] = rng.int(LAST_NAMES.length);
    c.segment[i] = rng.weighted(segCum);
    c.optedOut[i] = rng.chance(OPT_OUT_SHARE) ? 1 : 0;
  }
  return c;
}

export function firstName(c: Contacts, i: number): string {
  return FIRST_NAMES[c.first[i]!]!;
}
export function lastName(c: Contacts, i: number): string {
  return LAST_NAMES[c.last[i]!]!;
}

/**
 * The `Contact` record of contact i (extra attributes drawn from `rng` in contact order). With `until`
 * (an instant), its state as then: churn and last order only when before it, and `updatedAt` the
 * latest of those changes (without it, the whole window's state and `updatedAt` as it always was).
 */
export function contactRecord(c: Contacts, i: number, rng: Rng, agents: Agent[], orderMs = NaN, until?: number) {
  const first = firstName(c, i);
  const last = lastName(c, i);
  const seg = c.segment[i]!;
  const company = seg === 0 ? null : `${rng.pick(COMPANY_HEADS)} ${rng.pick(COMPANY_TAILS)}`;
  const role = rng.pick(ROLES_BY_SEGMENT[seg]!);
  const emailDomain = company ? `${slug(company)}.com` : rng.pick(EMAIL_DOMAINS);
  const hasEmail = rng.chance(seg === 0 ? 0.7 : 0.95);
  const external = rng.chance(0.6);
  const churned = !Number.isNaN(c.churnMs[i]!) && !(c.churnMs[i]! >= (until ?? Infinity));
  if (orderMs >= (until ?? Infinity)) orderMs = NaN;
  const sinceIso = iso(c.sinceMs[i]!);
  const updatedMs = until === undefined ? (churned ? c.churnMs[i]! : c.sinceMs[i]!)
    : Math.max(c.sinceMs[i]!, churned ? c.churnMs[i]! : -Infinity, Number.isNaN(orderMs) ? -Infinity : orderMs);
  return {
    id: c.id[i]!,
    externalId: external ? `crm-${100000 + i}` : null,
    source: external ? "public-api" : null,
    sourceUrl: null,
    defaultFields: {
      company,
      emails: hasEmail ? [{ name: company ? "work" : "personal", value: `${first}.${last}@${emailDomain}`.toLowerCase() }] : [],
      firstName: first,
      lastName: last,
      phoneNumbers: [{ name: "mobile", value: c.number[i]! }],
      role,
    },
    customFields: [
      { name: "Segment", key: "segment", type: "string" as const, value: SEGMENTS[seg]! },
      { name: "Customer since", key: "customer-since", type: "date" as const, value: sinceIso },
      { name: "Churned", key: "churned", type: "boolean" as const, value: churned },
      { name: "Churned at", key: "churned-at", type: "date" as const, value: churned ? iso(c.churnMs[i]!) : null },
      { name: "Opted out", key: "opted-out", type: "boolean" as const, value: c.optedOut[i] === 1 },
      { name: "Last order", key: "last-order", type: "date" as const, value: Number.isNaN(orderMs) ? null : iso(orderMs) },
    ],
    createdAt: sinceIso,
    updatedAt: iso(updatedMs),
    createdByUserId: rng.pick(agents).id,
  };
}

/** Phone-number records, one per line. */
export function phoneNumberRecord(line: Line) {
  return {
    id: line.id,
    groupId: line.name.toLowerCase(),
    createdAt: iso(line.createdMs),
    updatedAt: iso(line.createdMs + 30 * DAY_MS),
    name: line.name,
    number: line.number,
    formattedNumber: line.formatted,
    forward: null,
    portRequestId: null,
    portingStatus: null,
    symbol: line.name === "Sales" ? "💼" : line.name === "Support" ? "🛠️" : "💳",
    users: line.agents.map(userRecord),
  };
}

export function userRecord(a: Agent) {
  return { id: a.id, email: a.email, firstName: a.firstName, lastName: a.lastName, groupId: LINE_NAMES[a.line]!.toLowerCase(), role: a.role };
}
