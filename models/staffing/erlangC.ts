/**
 * Erlang C (M/M/N, infinite patience, first come first served): the standard staffing formula.
 *   A   = calls × AHT ÷ interval (offered load, Erlangs)
 *   Pw  = probability an arriving call waits, through the numerically stable Erlang B recursion
 *         B_0 = 1, B_k = A·B_{k−1} ÷ (k + A·B_{k−1});  Pw = N·B_N ÷ (N − A·(1 − B_N))
 *   SL  = 1 − Pw·exp(−(N − A)·T ÷ AHT)   (share answered within T seconds)
 *   ASA = Pw·AHT ÷ (N − A)
 * Required agents: the smallest N > A meeting the service level, then raised until A ÷ N is at
 * most the maximum occupancy; scheduled = ⌈N ÷ (1 − shrinkage)⌉.
 */

export type Targets = { serviceLevel: number; seconds: number; maxOccupancy?: number; shrinkage?: number };

export type Staffing = {
  agents: number;
  /** Agents the service level alone needs (before the occupancy cap). */
  agentsForServiceLevel: number;
  binding: "service_level" | "max_occupancy" | "no_traffic";
  scheduled: number;
  trafficErlangs: number;
  probWait: number;
  serviceLevel: number;
  asaSeconds: number;
  occupancy: number;
};

export function trafficIntensity(calls: number, ahtSeconds: number, intervalSeconds: number): number {
  return (calls * ahtSeconds) / intervalSeconds;
}

/** Blocking probability of M/M/n/n. */
export function erlangB(n: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Probability that an arriving call waits (1 when n ≤ a: the queue grows without bound). */
export function erlangC(n: number, a: number): number {
  if (a <= 0) return 0;
  if (n <= a) return 1;
  const b = erlangB(n, a);
  return (n * b) / (n - a * (1 - b));
}

export function serviceLevelC(n: number, a: number, ahtSeconds: number, targetSeconds: number): number {
  if (a <= 0) return 1;
  if (n <= a) return 0;
  return 1 - erlangC(n, a) * Math.exp((-(n - a) * targetSeconds) / ahtSeconds);
}

export function asaC(n: number, a: number, ahtSeconds: number): number {
  if (a <= 0) return 0;
  if (n <= a) return Infinity;
  return (erlangC(n, a) * ahtSeconds) / (n - a);
}

export function scheduledFor(agents: number, shrinkage = 0): number {
  if (!(shrinkage >= 0 && shrinkage < 1)) throw new Error(`shrinkage must be in [0, 1), got ${shrinkage}`);
  // The small epsilon keeps 14 ÷ 0.7 = 20.000000000000004 at 20, as planners (and the peer) round.
  return Math.max(0, Math.ceil(agents / (1 - shrinkage) - 1e-9));
}

/** Agents for `calls` arrivals per interval of `intervalSeconds` with handle time `ahtSeconds`. */
export function requiredAgentsC(calls: number, ahtSeconds: number, intervalSeconds: number, t: Targets, maxAgents = 100_000): Staffing {
  const a = trafficIntensity(calls, ahtSeconds, intervalSeconds);
  let nSl = 0;
  if (a > 0) {
    nSl = Math.max(1, Math.floor(a) + 1);
    while (serviceLevelC(nSl, a, ahtSeconds, t.seconds) < t.serviceLevel) {
      if (++nSl > maxAgents) throw new Error(`Erlang C: no staffing below ${maxAgents} agents meets the target`);
    }
  }
  let n = nSl;
  let binding: Staffing["binding"] = a > 0 ? "service_level" : "no_traffic";
  if (t.maxOccupancy !== undefined && a > 0) {
    const nOcc = Math.ceil(a / t.maxOccupancy - 1e-12);
    if (nOcc > n) { n = nOcc; binding = "max_occupancy"; }
  }
  return {
    agents: n,
    agentsForServiceLevel: nSl,
    binding,
    scheduled: scheduledFor(n, t.shrinkage ?? 0),
    trafficErlangs: a,
    probWait: erlangC(n, a),
    serviceLevel: serviceLevelC(n, a, ahtSeconds, t.seconds),
    asaSeconds: asaC(n, a, ahtSeconds),
    occupancy: n > 0 ? a / n : 0,
  };
}
