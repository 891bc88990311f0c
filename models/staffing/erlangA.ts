/**
 * Erlang A (M/M/N+M, Palm's model): Erlang C plus exponential patience, so callers who wait too
 * long hang up. With abandonment the queue is always stable, and fewer agents meet a target
 * than Erlang C says, because the callers who give up no longer load the queue.
 *
 * The state is the number of calls in the system, a birth–death chain with arrival rate λ and
 * departure rate min(k, N)·μ + max(k − N, 0)·θ (θ = 1 ÷ mean patience). An arriving call sees
 * the stationary distribution (PASTA). A call that finds j calls waiting ahead of it moves up
 * at rate N·μ + i·θ while i are ahead and reaches an agent after j + 1 such moves, unless its own
 * patience (rate θ) runs out first; P(answered within T) follows by uniformization of that small
 * absorbing chain. Service level = share of all arrivals answered within T (abandoned calls count
 * as misses), which tends to Erlang C's as θ → 0.
 */

export type ErlangA = {
  agents: number;
  trafficErlangs: number;
  probWait: number;
  probAbandon: number;
  serviceLevel: number;
  /** Carried load ÷ agents (callers who abandon do not occupy an agent). */
  occupancy: number;
};

const TAIL = 1e-13;

/** Stationary distribution of the number in system, truncated where the tail is negligible. */
function stationary(n: number, lambda: number, mu: number, theta: number): Float64Array {
  const terms: number[] = [1];
  let t = 1;
  let sum = 1;
  for (let k = 1; ; k++) {
    const death = Math.min(k, n) * mu + Math.max(k - n, 0) * theta;
    t *= lambda / death;
    terms.push(t);
    sum += t;
    // Past N the terms fall geometrically once death > λ; stop when the rest cannot matter.
    if (k > n && death > lambda && t / sum < TAIL) break;
    if (k > n + 100_000) throw new Error("Erlang A: queue too long to evaluate (patience too long for the load)");
  }
  return Float64Array.from(terms, (v) => v / sum);
}

/** Erlang A for N agents, with mean handle time and mean patience in seconds. */
export function erlangA(n: number, calls: number, intervalSeconds: number, ahtSeconds: number, patienceSeconds: number, targetSeconds: number): ErlangA {
  const lambda = calls / intervalSeconds;
  const mu = 1 / ahtSeconds;
  const theta = 1 / patienceSeconds;
  const a = lambda / mu;
  if (lambda <= 0) return { agents: n, trafficErlangs: 0, probWait: 0, probAbandon: 0, serviceLevel: 1, occupancy: 0 };
  if (n <= 0) return { agents: 0, trafficErlangs: a, probWait: 1, probAbandon: 1, serviceLevel: 0, occupancy: 0 };
  const pi = stationary(n, lambda, mu, theta);
  let probWait = 0;
  let busy = 0;
  for (let k = 0; k < pi.length; k++) {
    if (k >= n) probWait += pi[k]!;
    busy += Math.min(k, n) * pi[k]!;
  }
  const served = (mu * busy) / lambda; // throughput ÷ arrival rate
  const answeredInTime = (1 - probWait) + answeredWithin(pi, n, mu, theta, targetSeconds);
  return {
    agents: n,
    trafficErlangs: a,
    probWait,
    probAbandon: Math.max(0, 1 - served),
    serviceLevel: Math.min(1, answeredInTime),
    occupancy: busy / n,
  };
}

/**
 * P(an arrival waits, then reaches an agent within T): the tagged call's chain over "i calls ahead"
 * (i = 0 … J) plus an absorbing "answered" state (abandoning just leaves the chain), started from
 * π_{N+i} and carried to time T by uniformization, in slices short enough that e^{−Λ·Δ} never underflows.
 */
function answeredWithin(pi: Float64Array, n: number, mu: number, theta: number, T: number): number {
  const J = pi.length - 1 - n;
  if (J < 0) return 0;
  const lam = n * mu + (J + 1) * theta; // ≥ every state's total exit rate
  const slices = Math.max(1, Math.ceil((lam * T) / 50));
  // v[0…J] = "i ahead", v[J+1] = answered.
  let v: Float64Array = new Float64Array(J + 2);
  for (let i = 0; i <= J; i++) v[i] = pi[n + i]!;
  for (let s = 0; s < slices; s++) v = propagate(v, J, n * mu, theta, lam, (lam * T) / slices);
  return v[J + 1]!;
}

/** v · exp(Q·Δ) for the tagged-call chain, with x = Λ·Δ ≤ 50. */
function propagate(v0: Float64Array, J: number, nmu: number, theta: number, lam: number, x: number): Float64Array {
  let v = v0;
  let weight = Math.exp(-x);
  const out = Float64Array.from(v0, (p) => p * weight);
  let cum = weight;
  for (let m = 1; m < 10_000 && 1 - cum > 1e-15; m++) {
    const next = new Float64Array(J + 2);
    next[J + 1] = v[J + 1]!;
    for (let i = 0; i <= J; i++) {
      const p = v[i]!;
      if (p === 0) continue;
      const up = (nmu + i * theta) / lam; // one place up, or to an agent from i = 0
      next[i === 0 ? J + 1 : i - 1]! += p * up;
      next[i]! += p * (1 - up - theta / lam); // the rest of the uniformized step is "no event"
    }
    v = next;
    weight *= x / m;
    cum += weight;
    for (let i = 0; i < out.length; i++) out[i]! += weight * v[i]!;
  }
  return out;
}

/** Smallest N meeting the service level, then raised until carried load ÷ N ≤ max occupancy. */
export function requiredAgentsA(
  calls: number, ahtSeconds: number, intervalSeconds: number, patienceSeconds: number,
  t: { serviceLevel: number; seconds: number; maxOccupancy?: number }, maxAgents = 10_000,
): ErlangA {
  if (calls <= 0) return erlangA(0, 0, intervalSeconds, ahtSeconds, patienceSeconds, t.seconds);
  let n = 1;
  let r = erlangA(n, calls, intervalSeconds, ahtSeconds, patienceSeconds, t.seconds);
  while (r.serviceLevel < t.serviceLevel || (t.maxOccupancy !== undefined && r.occupancy > t.maxOccupancy)) {
    if (++n > maxAgents) throw new Error(`Erlang A: no staffing below ${maxAgents} agents meets the target`);
    r = erlangA(n, calls, intervalSeconds, ahtSeconds, patienceSeconds, t.seconds);
  }
  return r;
}
