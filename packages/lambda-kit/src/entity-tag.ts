import { ValidationError } from '@shop/domain';

// HTTP entity tags of versioned resources (products): the ETag a response carries and the
// If-Match a write may send. HTTP, so here at the edge; the domain only knows `version`.

/**
 * The version an `If-Match` header names: `"3"`, `W/"3"`, or `*` / no header (any version:
 * undefined). Anything else is a 400 on `headers.if-match`.
 */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(value);
  if (!match) {
    throw new ValidationError('If-Match must be an entity tag such as "3"', [
      { path: 'headers.if-match', message: 'must look like "<version>"' },
    ]);
  }
  return Number(match[1]);
};

/** The ETag of a versioned resource: its version, quoted. */
export const etagFor = (resource: { readonly version: number }): string => `"${resource.version}"`;
