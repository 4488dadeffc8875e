import { describe, expect, it } from 'vitest';
import { parseListen } from './listen.js';

describe('parseListen', () => {
  it('reads host and port, IPv6 in brackets', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseListen('[::1]:8443')).toEqual({ host: '::1', port: 8443 });
  });

  it('refuses what is not host:port', () => {
    for (const bad of ['8080', '127.0.0.1', ':8080', '::1:8080', 'host:65536', 'host:80a', 'http://h:1']) {
      expect(parseListen(bad), bad).toBeNull();
    }
  });
});
