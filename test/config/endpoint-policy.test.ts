import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigDocument } from '../../src/config/index.js';

const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';

function problems(endpoints: string[], delivery: Record<string, unknown> = {}): string[] {
  try {
    parseConfigDocument({
      Gateway: { Delivery: delivery },
      Organizations: [
        { OrganizationId: ORG, Webhooks: endpoints.map((Endpoint) => ({ Webhook: { Endpoint } })) },
      ],
    });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('Endpoint hosts written as non-public addresses are refused by the configuration', () => {
  it.each([
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://192.168.0.10/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'cloud metadata'],
    ['https://[::1]/hook', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['https://[fe80::1]/hook', 'link-local'],
  ])('%s (%s), naming the path and the flag', (endpoint, reason) => {
    const [problem, ...rest] = problems([endpoint]);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^\$\.Organizations\[0\]\.Webhooks\[0\]\.Webhook\.Endpoint: /);
    expect(problem).toContain(reason);
    expect(problem).toContain('AllowPrivateNetworks is off');
  });

  it('accepts public addresses and names (names are judged at delivery), and anything with the flag on', () => {
    expect(
      problems(['https://93.184.215.14/hook', 'https://crm.example.com/hook', 'https://localhost/x']),
    ).toEqual([]);
    expect(
      problems(['https://127.0.0.1/hook', 'https://10.0.0.1/x'], { AllowPrivateNetworks: true }),
    ).toEqual([]);
  });
});
