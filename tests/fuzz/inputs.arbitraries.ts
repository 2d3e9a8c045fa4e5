// Generators of hostile input for the API fuzzer: strings from every Unicode class (control
// characters, lone surrogates, bidi overrides, non-characters), numbers at and past every range,
// wrong JSON types, deep and oversized JSON, cursors and ids that look almost right.
import fc from 'fast-check';

const ALPHABET = [...'abcXYZ019-._ '];
// Single UTF-16 code units that have broken parsers, databases or log pipelines before.
const NASTY_UNITS = [
  '\u0000', // NUL: PostgreSQL text cannot hold it
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202e', // right-to-left override
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\\',
  '"',
  "'",
  '%',
  '{',
  '<',
  '😀',
  'é',
  'ß',
  'ǅ',
  '漢',
];

/** One UTF-16 code unit: printable ASCII, a known troublemaker, or anything at all. */
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ALPHABET) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_UNITS) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
  },
);

/** Strings of every Unicode class, mostly short, sometimes at and past the contract's lengths. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '   ', '\t\n') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(63, 64, 65, 199, 200, 201, 255, 256, 4999, 5000, 5001, 20_000), unit)
      .map(([length, u]) => u.repeat(length)),
  },
);

/** Numbers at the edges of int4, int8, JavaScript's safe integers and the contract's own ranges. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    100,
    101,
    5_242_880,
    5_242_881,
    100_000_000,
    100_000_001,
    1_000_000,
    1_000_001,
    999_999_999,
    1_000_000_000,
    1_000_000_001,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    2 ** 53,
    2 ** 63,
    -(2 ** 63),
    1e21,
    1e308,
    Number.MIN_VALUE,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Number-like text for query strings, headers and raw JSON (past what a JavaScript number holds). */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  edgeNumber.map(String),
  fc.constantFrom(
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775809',
    '99999999999999999999999999',
    '1e400',
    '-1e400',
    '0x10',
    '1_000',
    ' 5',
    '5 ',
    '05',
    '+5',
    '5.0',
    'Infinity',
    'NaN',
    'null',
    '',
  ),
);

/** Any JSON value, of a wrong type for most fields. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 3, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, edgeNumber, { maxKeys: 3 }) },
);

/** Arrays or objects nested far deeper than any payload of the contract. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 5_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Raw bodies that are not a JSON object: malformed, truncated, another type, or huge. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  nastyString,
  deepJson,
  fc.constantFrom('{', '{"a":1', '[]', '""', '0', 'null', 'true', '{"__proto__":{"x":1}}', '{"a":1,"a":2}'),
  fc.constantFrom(1_048_577, 2_000_000).map((size) => JSON.stringify({ padding: 'x'.repeat(size) })),
  fc.constantFrom('{"delta": 1e400}', '{"delta": 99999999999999999999999}', '{"limit": -0}'),
);

/** Ids: a real one, a random UUID, or text that is nearly a UUID. */
export const idLike = (real: () => string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(null).map(() => pick(real())) },
    { weight: 2, arbitrary: fc.uuid() },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        '00000000-0000-4000-8000-00000000000g',
        '{00000000-0000-4000-8000-000000000000}',
        '00000000000040008000000000000000',
      ),
    },
    { weight: 2, arbitrary: nastyString.filter((s) => s.length > 0) },
  );

let pickCounter = 0;
/** A member of `values`, cycling so that every real id gets its turn. */
const pick = (values: string[]): string => {
  pickCounter += 1;
  return values[pickCounter % values.length] ?? '00000000-0000-4000-8000-000000000000';
};

/**
 * Cursors: one the API issued, one for another list, and hand-made ones that decode to positions
 * past 64 bits, negative, empty or not numbers at all.
 */
export const cursorLike = (issued: () => string[]): fc.Arbitrary<string> => {
  const encoded = (text: string) => Buffer.from(text).toString('base64url');
  return fc.oneof(
    fc.constant(null).map(() => pick(issued())),
    fc
      .tuple(fc.constantFrom('p1', 'o1', 'h1', 'x1'), numberText)
      .map(([prefix, digits]) => encoded(`${prefix}.${digits}`)),
    fc.stringMatching(/^[0-9]{1,25}$/).map((digits) => encoded(`p1.${digits}`)),
    nastyString,
  );
};
