import type { Problem } from '../problems.js';

/**
 * Parses JSON text, reporting a syntax error as a Problem with its line, column and offset. V8's own
 * messages are not reused: some quote the surrounding input, which may hold a secret.
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    const { offset, reason } = locateSyntaxError(body) ?? { offset: 0, reason: 'invalid JSON' };
    const before = body.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return {
      ok: false,
      problem: {
        path: '$',
        message: `JSON syntax error at line ${line}, column ${column} (offset ${offset}): ${reason}`,
      },
    };
  }
}

class SyntaxAt {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})/y;

/** Walks the JSON grammar and returns where the text first departs from it (null when it does not). */
export function locateSyntaxError(s: string): { offset: number; reason: string } | null {
  let i = 0;
  const fail = (reason: string): never => {
    throw new SyntaxAt(i, i >= s.length ? 'unexpected end of input' : reason);
  };
  const skipSpace = () => {
    while (i < s.length && ' \t\n\r'.includes(s.charAt(i))) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = s.charAt(i);
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(s)) fail('invalid escape sequence in string');
        i = ESCAPE.lastIndex;
      } else if (i >= s.length) fail('unterminated string');
      else if (c < ' ') fail('control character in string (escape it)');
      else i++;
    }
  };
  const sequence = (close: string, item: () => void, what: string) => {
    i++;
    skipSpace();
    if (s.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      const next = s.charAt(i);
      if (next !== close && next !== ',') fail(`expected ',' or '${close}' after ${what}`);
      i++;
      if (next === close) return;
    }
  };
  const member = () => {
    skipSpace();
    if (s.charAt(i) !== '"') fail('expected a double-quoted property name');
    string();
    skipSpace();
    if (s.charAt(i) !== ':') fail("expected ':' after property name");
    i++;
    value();
  };
  const value = (): void => {
    skipSpace();
    const c = s.charAt(i);
    if (c === '{') sequence('}', member, 'property value');
    else if (c === '[') sequence(']', value, 'array element');
    else if (c === '"') string();
    else {
      const literal = ['true', 'false', 'null'].find((word) => s.startsWith(word, i));
      NUMBER.lastIndex = i;
      if (literal !== undefined) i += literal.length;
      else if (NUMBER.test(s)) i = NUMBER.lastIndex;
      else
        fail('unexpected character (expected a value: object, array, string, number, true, false or null)');
    }
  };
  try {
    value();
    skipSpace();
    if (i < s.length) fail('unexpected text after the JSON value');
    return null;
  } catch (error) {
    if (error instanceof SyntaxAt) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}
