import { ValidationError } from '@shop/domain';
import type { Principal } from './principal';

/** The request header that carries a client's idempotency key (`api.md`, "Idempotency"). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The response header that marks a stored response sent again. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** Whose keys a request's key is compared with when no one is signed in. */
export const ANONYMOUS_SCOPE = 'anonymous';

// 1 to 255 printable ASCII characters (space to tilde), as api.md says.
const VALID_KEY = /^[\x20-\x7E]{1,255}$/;

/**
 * The request's idempotency key, or `undefined` when the client sent none (the request is then
 * not idempotent at all). `headers` are lower-cased, as {@link HttpRequest.headers}. A key that is
 * empty, too long or not printable ASCII is a 400 pointing at the header.
 */
export const idempotencyKeyOf = (headers: Readonly<Record<string, string>>): string | undefined => {
  const key = headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (key === undefined) {
    return undefined;
  }
  if (!VALID_KEY.test(key)) {
    throw new ValidationError('Invalid Idempotency-Key header', [
      { path: 'headers.idempotency-key', message: 'Must be 1 to 255 printable ASCII characters' },
    ]);
  }
  return key;
};

/**
 * Keys are scoped to the caller: two callers may use the same key for different requests. A signed-in
 * caller's scope is their `sub`; everyone unauthenticated shares one scope.
 */
export const idempotencyScopeOf = (principal: Principal | null): string =>
  principal === null ? ANONYMOUS_SCOPE : `sub:${principal.sub}`;
