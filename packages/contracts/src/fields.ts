// The field types of api.md, defined once for every route that reads them. zod/mini keeps the
// validators small (full zod alone adds ~40 ms to a cold start).
import * as z from 'zod/mini';

// api.md: text never holds control characters (U+0000-U+001F and U+007F; multi-line fields may
// hold tab and newline). Text must also be well-formed UTF-16: an unpaired surrogate has no UTF-8
// form, so PostgreSQL (text and jsonb alike) would refuse it with an error instead of a 400.
// Patterns (not only refinements) so that the OpenAPI document shows the rule too.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001F\u007F]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const NO_CONTROL_BUT_TAB_AND_NEWLINE = /^[^\u0000-\u0008\u000B-\u001F\u007F]*$/;

const printable = (pattern: RegExp, what: string) => [
  z.regex(pattern, `must not contain ${what}`),
  z.refine<string>((value) => value.isWellFormed(), 'must not contain unpaired surrogates'),
];

const SINGLE_LINE = printable(NO_CONTROL, 'control characters');
const MULTI_LINE = printable(NO_CONTROL_BUT_TAB_AND_NEWLINE, 'control characters other than tab and newline');

/** A one-line text field: trimmed, 1..max characters, no control characters. */
export const text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), ...SINGLE_LINE);

/** A one-line string kept exactly as sent (keys, tokens): min..max characters, no control characters. */
export const plainString = (min: number, max: number) =>
  z.string().check(z.minLength(min), z.maxLength(max), ...SINGLE_LINE);

/** A multi-line text field that may be empty (descriptions, notes): tab and newline allowed. */
export const multilineText = (max: number) => z.string().check(z.maxLength(max), ...MULTI_LINE);

/** An integer in [min, max]; anything past it (or past JavaScript's safe integers) is a 400. */
export const intBetween = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

/** A UUID, as every id of the API is. */
export const uuid = () => z.uuid();

/** `{ id }` path parameters of the routes about one resource. */
export const idPath = z.object({ id: z.uuid() });

/**
 * api.md "Lists": `limit` 1..100 (default 20) and an opaque `cursor`. Query values arrive as
 * strings, so `limit` is coerced; whether a cursor was issued by the API is its decoder's call.
 */
export const page = {
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  cursor: z.optional(plainString(1, 200)),
} as const;
