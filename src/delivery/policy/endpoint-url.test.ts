import { describe, expect, it } from 'vitest';
import { endpointUrlProblem } from './endpoint-url.js';

const strict = { allowHttp: false, allowAnyPort: false };
const dev = { allowHttp: true, allowAnyPort: true };

describe('endpointUrlProblem', () => {
  it('accepts https on the default port, with or without an explicit :443', () => {
    expect(endpointUrlProblem('https://my.integration.com/webhook/', strict)).toBeNull();
    expect(endpointUrlProblem('https://my.integration.com:443/webhook/', strict)).toBeNull();
  });

  it('refuses http and other ports under the default policy, naming the flag that would allow it', () => {
    expect(endpointUrlProblem('http://my.integration.com/webhook/', strict)).toMatch(/https.*AllowHttp/);
    expect(endpointUrlProblem('https://my.integration.com:8443/', strict)).toMatch(/port 8443.*AllowAnyPort/);
  });

  it('refuses what is not an absolute http(s) URL whatever the flags', () => {
    expect(endpointUrlProblem('/relative', dev)).toMatch(/absolute/);
    expect(endpointUrlProblem('ftp://host/x', dev)).toMatch(/scheme ftp/);
    expect(endpointUrlProblem('https://user:pw@host/x', dev)).toMatch(/credentials/);
  });

  it('lets the development flags relax scheme and port independently', () => {
    expect(endpointUrlProblem('http://127.0.0.1:8080/hook', dev)).toBeNull();
    expect(endpointUrlProblem('http://host/hook', { allowHttp: true, allowAnyPort: false })).toMatch(
      /port 80/,
    );
    expect(endpointUrlProblem('https://host:9000/', { allowHttp: false, allowAnyPort: true })).toBeNull();
  });
});
