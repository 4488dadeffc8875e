import { describe, expect, it } from 'vitest';
import { locateSyntaxError, parseJsonText } from './json-text.js';

describe('parseJsonText', () => {
  it('parses valid JSON, ignoring a byte order mark', () => {
    expect(parseJsonText('\uFEFF{"a": [1, 2.5e3, true, null, "x\\u00e9"]}')).toEqual({
      ok: true,
      value: { a: [1, 2500, true, null, 'xé'] },
    });
  });

  it('reports a syntax error with its line and column, without quoting the input', () => {
    const text = '{\n  "Secret": "TopSecretValue",\n  "Enabled": tru\n}';
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.path).toBe('$');
    expect(result.problem.message).toMatch(
      /^JSON syntax error at line 3, column 14 \(offset 45\): unexpected character/,
    );
    expect(result.problem.message).not.toContain('TopSecretValue');
  });
});

describe('locateSyntaxError', () => {
  it.each([
    ['{"a": 1,}', 8, 'expected a double-quoted property name'],
    ['{"a" 1}', 5, "expected ':' after property name"],
    ['[1 2]', 3, "expected ',' or ']' after array element"],
    ['{"a": 1 "b": 2}', 8, "expected ',' or '}' after property value"],
    ['{"a": "x', 8, 'unexpected end of input'],
    ['{"a": "\\q"}', 7, 'invalid escape sequence in string'],
    ['{} {}', 3, 'unexpected text after the JSON value'],
    ['', 0, 'unexpected end of input'],
    ["{'a': 1}", 1, 'expected a double-quoted property name'],
  ])('%j fails at offset %i', (text, offset, reason) => {
    expect(locateSyntaxError(text)).toEqual({ offset, reason });
  });

  it('finds nothing wrong in valid JSON', () => {
    expect(locateSyntaxError(' {"a": {"b": [[], {}, -0.5, "\\"q\\""]}} ')).toBeNull();
  });
});
