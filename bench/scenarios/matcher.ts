import { matchWebhooks } from '../../src/matcher/match.js';
import type { MatchKey } from '../../src/matcher/types.js';
import { nowMs } from '../lib/clock.js';
import { buildMatcherWorld, type MatcherWorld, sampleKeys } from '../lib/matcher-world.js';
import { metric } from '../lib/results.js';
import type { Scenario } from '../lib/scenario.js';
import { median } from '../lib/stats.js';

const ITERATIONS = 1_000_000;
const ROUNDS = 5;
/** "No slower than at 100" allows this much measurement noise. */
const TOLERANCE = 1.25;

/** Checksum of every result, printed in the details so the loop's work cannot be optimised away. */
let sink = 0;

/** Median ns per match over ROUNDS rounds of ITERATIONS matches cycling through `keys`. */
function nsPerMatch(world: Pick<MatcherWorld, 'routes'>, keys: readonly MatchKey[]): number {
  const mask = keys.length - 1; // a power of two
  const round = () => {
    const started = nowMs();
    for (let i = 0; i < ITERATIONS; i++) {
      const result = matchWebhooks(world.routes, keys[i & mask] as MatchKey);
      sink = (sink + result.length + (result[0] ?? 0)) | 0;
    }
    return ((nowMs() - started) * 1e6) / ITERATIONS;
  };
  round(); // warm-up: let the JIT settle on this shape
  return median(Array.from({ length: ROUNDS }, round));
}

export const matcher: Scenario = {
  name: 'matcher',
  description: `matchWebhooks at 100,000 subscriptions over 1,000 organizations vs 100 subscriptions (1 organization), ${ROUNDS} x ${ITERATIONS.toLocaleString('en-US')} matches, median`,
  budgetMs: 240_000,
  async run(ctx) {
    const small = buildMatcherWorld(1);
    const large = buildMatcherWorld(1_000);
    ctx.log(`built ${small.subscriptions} and ${large.subscriptions} subscriptions`);
    const figures = {
      matching: { at100k: nsPerMatch(large, large.matching), at100: nsPerMatch(small, small.matching) },
      nonMatching: {
        at100k: nsPerMatch(large, large.nonMatching),
        at100: nsPerMatch(small, small.nonMatching),
      },
    };
    // Diagnostic: the large index, but events of one organization only (the small case's working set).
    const oneOrganization = nsPerMatch(large, sampleKeys(large, 1).matching);
    ctx.log(`ns per match: ${JSON.stringify({ ...figures, oneOrganization })} (checksum ${sink})`);
    const rows = (label: string, f: { at100k: number; at100: number }) => [
      metric({
        metric: `ns per ${label} match at 100k subs`,
        unit: 'ns',
        gateway: f.at100k,
        target: { on: 'gateway', op: '<=', value: 2_000 },
      }),
      metric({
        metric: `${label}: 100k subs vs 100 subs`,
        unit: 'ns',
        gateway: f.at100k,
        reference: f.at100,
        referenceName: '100 subscriptions',
        target: { on: 'ratio', op: '<=', value: TOLERANCE },
        note: `"no slower than at 100" within ${Math.round((TOLERANCE - 1) * 100)} % noise`,
      }),
    ];
    return {
      metrics: [
        ...rows('matching', figures.matching),
        ...rows('non-matching', figures.nonMatching),
        metric({
          metric: 'matching at 100k subs, events of 1 organization',
          unit: 'ns',
          gateway: oneOrganization,
          reference: figures.matching.at100,
          referenceName: '100 subscriptions',
          note: 'diagnostic: index size alone, without the cache misses of events spread over 1,000 organizations',
        }),
      ],
      details: {
        subscriptions: { large: large.subscriptions, small: small.subscriptions },
        iterations: ITERATIONS,
        rounds: ROUNDS,
        tolerance: TOLERANCE,
        nsPerMatch: { ...figures, matchingAt100kOneOrganization: oneOrganization },
        keys: 'sets of 4,096 keys cycled through; key strings are flat (JSON round trip) and reused, so their hashes are cached after the first lap',
        checksum: sink,
      },
    };
  },
};
