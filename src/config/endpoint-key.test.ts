import { describe, expect, it } from 'vitest';
import { endpointKey } from './endpoint-key.js';

describe('endpointKey', () => {
  it('gives one key to the same receiver written in different ways', () => {
    const key = endpointKey('https://crm.example.com/hook');
    for (const same of [
      'HTTPS://CRM.EXAMPLE.COM/hook',
      'https://crm.example.com:443/hook',
      'https://crm.example.com./hook',
      'https://Crm.Example.Com.:443/hook',
    ])
      expect(endpointKey(same)).toBe(key);
  });

  it('keeps apart what a server may tell apart', () => {
    expect(endpointKey('https://x.example/Hook')).not.toBe(endpointKey('https://x.example/hook'));
    expect(endpointKey('https://x.example/a?b=1')).not.toBe(endpointKey('https://x.example/a?b=2'));
    expect(endpointKey('https://x.example:8443/a')).not.toBe(endpointKey('https://x.example/a'));
    expect(endpointKey('http://x.example/a')).not.toBe(endpointKey('https://x.example/a'));
  });

  it('leaves text that is no URL as it is (the validator reports it)', () => {
    expect(endpointKey('not a url')).toBe('not a url');
  });
});
