import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { safeParse } from 'zod/v4/core';
import { intBetween, multilineText, page, plainString, text } from '../../src/fields';

const ok = (schema: Parameters<typeof safeParse>[0], value: unknown) => safeParse(schema, value).success;

// Every code point api.md calls a control character, one at a time.
const CONTROLS = [...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)), '\u007f'];

describe('text (one line)', () => {
  it.each(CONTROLS.map((c) => [c.charCodeAt(0).toString(16), c]))('refuses U+%s inside the text', (_, c) => {
    expect(ok(text(50), `ab${c}cd`)).toBe(false);
  });

  it('refuses unpaired surrogates, high or low, and accepts a paired one (an emoji)', () => {
    expect(ok(text(50), 'a\ud800b')).toBe(false);
    expect(ok(text(50), 'a\udfffb')).toBe(false);
    expect(ok(text(50), 'mug 😀')).toBe(true);
  });

  it('trims surrounding whitespace before checking, and refuses what is left empty', () => {
    expect(safeParse(text(5), '  mug \n').data).toBe('mug');
    expect(ok(text(5), ' \t\n ')).toBe(false);
  });

  it('counts length after trimming and refuses one character past the maximum', () => {
    expect(ok(text(3), 'abc')).toBe(true);
    expect(ok(text(3), 'abcd')).toBe(false);
  });
});

describe('multilineText', () => {
  it('accepts tab and newline, and an empty text', () => {
    expect(ok(multilineText(50), 'line one\n\tline two')).toBe(true);
    expect(ok(multilineText(50), '')).toBe(true);
  });

  it.each(CONTROLS.filter((c) => c !== '\t' && c !== '\n').map((c) => [c.charCodeAt(0).toString(16), c]))(
    'refuses U+%s',
    (_, c) => {
      expect(ok(multilineText(50), `a${c}b`)).toBe(false);
    },
  );

  it('refuses unpaired surrogates', () => {
    expect(ok(multilineText(50), '\ud83d')).toBe(false);
  });
});

describe('plainString', () => {
  it('keeps the value as sent and refuses control characters', () => {
    expect(safeParse(plainString(1, 10), ' key ').data).toBe(' key ');
    expect(ok(plainString(1, 10), 'k\u0000')).toBe(false);
  });
});

describe('intBetween', () => {
  it('refuses numbers past the range, fractions and unsafe integers', () => {
    const schema = intBetween(0, 100);
    expect(ok(schema, 100)).toBe(true);
    expect(ok(schema, 101)).toBe(false);
    expect(ok(schema, -1)).toBe(false);
    expect(ok(schema, 1.5)).toBe(false);
    expect(ok(intBetween(0, Number.MAX_SAFE_INTEGER), 2 ** 63)).toBe(false);
  });
});

describe('page', () => {
  const query = z.object(page);

  it('defaults the limit to 20 and reads it from text', () => {
    expect(safeParse(query, {}).data).toEqual({ limit: 20 });
    expect(safeParse(query, { limit: '100' }).data).toEqual({ limit: 100 });
  });

  it.each(['0', '101', '-1', '1.5', '9223372036854775808', 'abc', 'Infinity'])(
    'refuses limit=%s',
    (limit) => {
      expect(ok(query, { limit })).toBe(false);
    },
  );

  it('refuses a cursor with control characters', () => {
    expect(ok(query, { cursor: 'cDEuMQ\u0000' })).toBe(false);
  });
});
