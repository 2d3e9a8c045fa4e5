import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { etagFor, parseIfMatch } from '../../src/entity-tag';

describe('If-Match', () => {
  it.each([
    ['"3"', 3],
    ['W/"12"', 12],
    ['*', undefined],
    [undefined, undefined],
  ])('reads %s as version %s', (header, expected) => {
    expect(parseIfMatch(header)).toBe(expected);
  });

  it.each(['3', '"abc"', '"1", "2"', '""'])('rejects the malformed tag %s', (header) => {
    expect(() => parseIfMatch(header)).toThrow(ValidationError);
  });

  it('formats the ETag of a product from its version', () => {
    expect(etagFor({ version: 7 })).toBe('"7"');
  });
});
