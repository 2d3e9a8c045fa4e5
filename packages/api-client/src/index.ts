/**
 * A typed client of the shop API: every path, parameter, body and response, errors included,
 * typed by the OpenAPI document generated from the code (`./paths`, by openapi-typescript), on
 * openapi-fetch (a few KB, no code generated per route). The storefront calls the API with it.
 *
 * @example
 * ```ts
 * const api = createShopClient({ baseUrl: 'http://localhost:3000', token: idToken });
 * const { data, error, response } = await api.POST('/orders', { body: { items, shippingAddress } });
 * if (error) console.log(response.status, error.error.code); // typed per status: VALIDATION_FAILED, ...
 * else console.log(data.id, data.total.amount);
 * ```
 * @packageDocumentation
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './paths';

export type { components, paths };

/** The contract's error body, whatever the status. */
export type ApiError =
  components['schemas'][`Error${400 | 401 | 403 | 404 | 409 | 412 | 413 | 422 | 429 | 500 | 503}`];

export type Product = components['schemas']['Product'];
export type Order = components['schemas']['Order'];

export interface ShopClientOptions {
  /** Where the API is: `http://localhost:3000` locally, the stage's API URL on AWS. */
  readonly baseUrl: string;
  /** A Cognito ID token; omit for anonymous calls. */
  readonly token?: string;
  /** Another fetch (tests record responses with one). */
  readonly fetch?: typeof globalThis.fetch;
}

export type ShopClient = Client<paths>;

export const createShopClient = (options: ShopClientOptions): ShopClient =>
  createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
