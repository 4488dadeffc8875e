import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { errorClassOf, errorMessageOf, redact } from './classify-error.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('errorClassOf', () => {
  it.each([
    [withCode('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED'), 'connect'],
    [withCode('read ECONNRESET', 'ECONNRESET'), 'connect'],
    [withCode('connect EHOSTUNREACH 10.9.9.9:443', 'EHOSTUNREACH'), 'connect'],
    [new errors.SocketError('other side closed'), 'connect'],
    [new Error('something odd'), 'connect'],
    [new errors.ConnectTimeoutError(), 'timeout'],
    [new errors.HeadersTimeoutError(), 'timeout'],
    [new errors.BodyTimeoutError(), 'timeout'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    [withCode('getaddrinfo ENOTFOUND x', 'ENOTFOUND'), 'dns'],
    [withCode('getaddrinfo EAI_AGAIN x', 'EAI_AGAIN'), 'dns'],
    [withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), 'tls'],
    [withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [withCode('certificate has expired', 'CERT_HAS_EXPIRED'), 'tls'],
    [withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [withCode('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    [
      withCode('Response does not match the HTTP/1.1 protocol (Expected HTTP/)', 'HPE_INVALID_CONSTANT'),
      'protocol',
    ],
    [
      new errors.HTTPParserError('Response does not match the HTTP/1.1 protocol (Expected HTTP/)'),
      'protocol',
    ],
    [new errors.InvalidArgumentError('invalid x-benemen-token header'), 'protocol'],
    [new errors.ResponseContentLengthMismatchError(), 'protocol'],
  ])('%s -> %s', (error, expected) => {
    expect(errorClassOf(error)).toBe(expected);
  });

  it('looks through wrapping errors to the cause that has a code', () => {
    const wrapped = new TypeError('fetch failed', {
      cause: withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
    });
    expect(errorClassOf(wrapped)).toBe('tls');
  });
});

describe('errorMessageOf', () => {
  it("keeps Node's own message when it already names the code", () => {
    expect(errorMessageOf(withCode('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED'), null)).toBe(
      'connect ECONNREFUSED 127.0.0.1:443',
    );
  });

  it('appends the code when the message does not show it', () => {
    expect(errorMessageOf(withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), null)).toBe(
      'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
  });

  it('masks the secret and flattens and bounds the text', () => {
    const message = errorMessageOf(
      new Error(`bad header\nX-Benemen-Token: hunter2 ${'x'.repeat(500)}`),
      'hunter2',
    );
    expect(message).not.toContain('hunter2');
    expect(message).toMatch(/^bad header X-Benemen-Token: \*\*\* x+$/);
    expect(message.length).toBe(300);
  });
});

describe('redact', () => {
  it('replaces every occurrence and leaves text alone without a secret', () => {
    expect(redact('a s b s', 's')).toBe('a *** b ***');
    expect(redact('a s b', null)).toBe('a s b');
    expect(redact('a s b', '')).toBe('a s b');
  });
});
