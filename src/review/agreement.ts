/**
 * Inter-rater agreement, as pure functions of reliability data: one array of values per unit
 * (the values its reviewers gave; a reviewer who did not judge the unit is simply absent).
 *
 * Conventions (each answer is `null` where the figure is undefined):
 * - Units with fewer than two values are not pairable and are left out of every figure.
 * - No pairable unit, or every value equal (no variation, expected disagreement 0): null.
 * - Fleiss' kappa allows a varying number of values per unit (each unit's agreement is its own
 *   share of agreeing pairs); with the same number everywhere it is Fleiss (1971).
 * - Cohen's kappa is unweighted, over the units both reviewers judged.
 * - Kappas treat every value as a category, whatever the metric.
 */

/** A value in reliability data: a category or a number. */
export type RatingValue = string | number | boolean;

/** The distance Krippendorff's alpha weighs disagreements by. */
export type AlphaMetric = 'nominal' | 'ordinal' | 'interval';

const keyOf = (v: RatingValue) => JSON.stringify(v);

/** Units with two or more values. */
function pairable<T>(units: readonly (readonly T[])[]): (readonly T[])[] {
  return units.filter((u) => u.length >= 2);
}

/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability") from
 * the coincidence matrix. `order` ranks ordinal values (lowest first; default: numbers
 * ascending, else text order); interval values must be numbers.
 */
export function krippendorffAlpha(
  units: readonly (readonly RatingValue[])[],
  metric: AlphaMetric,
  order?: readonly RatingValue[],
): number | null {
  const used = pairable(units);
  const values = new Map<string, RatingValue>();
  for (const u of used) for (const v of u) values.set(keyOf(v), v);
  let domain = [...values.values()];
  if (metric === 'ordinal') {
    const rank = order ? new Map(order.map((v, n) => [keyOf(v), n])) : null;
    if (rank && domain.some((v) => !rank.has(keyOf(v))))
      throw new Error('an ordinal value is missing from the order');
    domain = rank
      ? [...order!].filter((v) => values.has(keyOf(v)))
      : domain.sort((a, b) =>
          typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
        );
  }
  if (metric === 'interval' && domain.some((v) => typeof v !== 'number'))
    throw new Error('interval values must be numbers');
  const index = new Map(domain.map((v, n) => [keyOf(v), n]));
  const size = domain.length;
  const o = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const u of used) {
    const counts = new Map<number, number>();
    for (const v of u) {
      const c = index.get(keyOf(v))!;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const [c, nc] of counts)
      for (const [k, nk] of counts)
        o[c]![k]! += (c === k ? nc * (nc - 1) : nc * nk) / (u.length - 1);
  }
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  if (n < 2) return null;
  const delta = distance(metric, domain, nc);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c++)
    for (let k = 0; k < size; k++) {
      observed += o[c]![k]! * delta(c, k);
      expected += nc[c]! * nc[k]! * delta(c, k);
    }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

/** The squared distance δ²(c, k) between domain values c and k. */
function distance(
  metric: AlphaMetric,
  domain: readonly RatingValue[],
  nc: readonly number[],
): (c: number, k: number) => number {
  switch (metric) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'interval':
      return (c, k) => ((domain[c] as number) - (domain[k] as number)) ** 2;
    case 'ordinal':
      return (c, k) => {
        const [lo, hi] = c < k ? [c, k] : [k, c];
        let sum = 0;
        for (let g = lo; g <= hi; g++) sum += nc[g]!;
        return (sum - (nc[c]! + nc[k]!) / 2) ** 2;
      };
  }
}

/** Fleiss' kappa over the pairable units (see the conventions above). */
export function fleissKappa(units: readonly (readonly RatingValue[])[]): number | null {
  const used = pairable(units);
  if (used.length === 0) return null;
  const totals = new Map<string, number>();
  let ratings = 0;
  let agreement = 0;
  for (const u of used) {
    const counts = new Map<string, number>();
    for (const v of u) counts.set(keyOf(v), (counts.get(keyOf(v)) ?? 0) + 1);
    let pairs = 0;
    for (const [k, c] of counts) {
      pairs += c * (c - 1);
      totals.set(k, (totals.get(k) ?? 0) + c);
    }
    agreement += pairs / (u.length * (u.length - 1));
    ratings += u.length;
  }
  const observed = agreement / used.length;
  let expected = 0;
  for (const c of totals.values()) expected += (c / ratings) ** 2;
  if (expected === 1) return null;
  return (observed - expected) / (1 - expected);
}

/** Cohen's (unweighted) kappa of two reviewers' values, over the units both judged. */
export function cohenKappa(pairs: readonly (readonly [RatingValue, RatingValue])[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (keyOf(a) === keyOf(b)) agree += 1;
    first.set(keyOf(a), (first.get(keyOf(a)) ?? 0) + 1);
    second.set(keyOf(b), (second.get(keyOf(b)) ?? 0) + 1);
  }
  let expected = 0;
  for (const [k, c] of first) expected += (c / n) * ((second.get(k) ?? 0) / n);
  if (expected === 1) return null;
  return (agree / n - expected) / (1 - expected);
}
