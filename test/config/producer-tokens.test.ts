import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigDocument } from '../../src/config/index.js';

function problems(tokens: unknown[]): string[] {
  try {
    parseConfigDocument({ Gateway: { ProducerTokens: tokens } });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('Gateway.ProducerTokens', () => {
  it('takes plain strings and scoped tokens', () => {
    const scoped = { Token: 'crm-only', Organizations: ['fd434d24-f685-431d-8df5-386b5d5ffa73'] };
    expect(
      parseConfigDocument({ Gateway: { ProducerTokens: ['all', scoped] } }).gateway.ProducerTokens,
    ).toEqual(['all', scoped]);
  });

  it('names what is wrong with a scoped token', () => {
    expect(problems([{ Token: 'x', Organizations: ['nope'] }])).toEqual([
      '$.Gateway.ProducerTokens[0].Organizations[0]: must be a Guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    ]);
    expect(problems(['ok', 7])).toEqual([
      '$.Gateway.ProducerTokens[1]: must be a token string or {"Token": "...", "Organizations": ["<OrganizationId>", ...]}',
    ]);
    expect(problems([{ Token: 'x', Organizations: [] }])[0]).toMatch(
      /^\$\.Gateway\.ProducerTokens\[0\]\.Organizations: /,
    );
  });
});
