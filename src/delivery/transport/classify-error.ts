import type { AttemptErrorClass } from './types.js';

type NetworkErrorClass = Extract<AttemptErrorClass, 'timeout' | 'tls' | 'connect' | 'dns' | 'protocol'>;

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
/** OpenSSL verification results as Node reports them, plus handshake failures. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);
/**
 * Responses that were not valid HTTP/1.1 (llhttp's HPE_* codes arrive on undici's HTTPParserError), and
 * a request undici refuses to put on the wire (a header value with control characters).
 */
const PROTOCOL_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  // More response header bytes than MAX_RESPONSE_HEADER_BYTES: a misbehaving receiver, not the network.
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_NOT_SUPPORTED',
]);

function codeOf(error: unknown): string | null {
  // undici and Node sometimes wrap the socket error; the code that explains it is on the innermost one.
  let current: unknown = error;
  let found: string | null = null;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR' && (found === null || !code.startsWith('UND_ERR'))) {
      found = code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

export function errorClassOf(error: unknown): NetworkErrorClass {
  const code = codeOf(error);
  if (code !== null) {
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (DNS_CODES.has(code)) return 'dns';
    if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return 'tls';
    if (code.startsWith('HPE_') || PROTOCOL_CODES.has(code)) return 'protocol';
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return 'timeout';
  // undici 7 raises HTTPParserError for garbage responses, often with no code at all.
  if (name === 'HTTPParserError') return 'protocol';
  // ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ENETUNREACH, EPIPE, UND_ERR_SOCKET ("other side closed") and
  // whatever else went wrong with the connection itself.
  return 'connect';
}

const MAX_MESSAGE = 300;

/**
 * A one-line message for the attempt log: the error's own message (Node's are already of the
 * `connect ECONNREFUSED 127.0.0.1:443` kind) with its code when the message does not show it, the
 * secret masked in case anything echoed a header, and bounded in length.
 */
export function errorMessageOf(error: unknown, secret: string | null): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  let text = code !== null && !message.includes(code) ? `${message} (${code})` : message;
  text = text.replace(/\s+/g, ' ').trim() || 'request failed';
  return redact(text, secret).slice(0, MAX_MESSAGE);
}

export function redact(text: string, secret: string | null): string {
  return secret ? text.split(secret).join('***') : text;
}
