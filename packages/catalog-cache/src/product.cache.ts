// The catalog's cache layout in Redis, shared by the catalog (which reads and fills it) and by every
// other writer of products (orders), which must invalidate it after a commit:
//   catalog:product:<id>              "<version>\n<json>" (a tombstone when the json is empty)
//   catalog:lists:generation          INCR'd on every write
//   catalog:list:<generation>:<hash>  a cached first page of a list, valid in its generation only
import type { Product } from '@shop/domain';
import type { Redis } from 'ioredis';

/**
 * Cache-aside for catalog reads. Every failure (Redis down, or slower than the client's command
 * timeout) is reported through `onError` and treated as a miss: reads then go to the database.
 */
export interface ProductCache {
  /** The cached product, or undefined on a miss. */
  getProduct(id: string): Promise<Product | undefined>;
  /** Stores a product read from the database unless the cache already holds a newer version. */
  putProduct(product: Product): Promise<void>;
  /** The current list generation and the cached first page for `queryKey` in it, if any. */
  getFirstPage(queryKey: string): Promise<{ generation: string; page: CachedPage | undefined }>;
  putFirstPage(generation: string, queryKey: string, page: CachedPage): Promise<void>;
  /**
   * After a committed write: stores the new version (write-through) and starts a new list
   * generation, so first pages cached before the write are never served again. One round trip.
   */
  productChanged(product: Product): Promise<void>;
  /**
   * After a committed write by something that does not hold the products as the catalog shows
   * them (orders changing stock): stores a tombstone with each product's new version, so the next
   * read misses and a reader still holding an older version cannot cache it again, and starts a new
   * list generation. One round trip.
   */
  invalidateProducts(products: readonly ProductVersion[]): Promise<void>;
}

/** A product's id and its version after a committed write. */
export interface ProductVersion {
  readonly id: string;
  readonly version: number;
}

export interface CachedPage {
  readonly items: Product[];
  readonly nextCursor: string | null;
}

export interface RedisProductCacheOptions {
  readonly productTtlSeconds: number;
  readonly listTtlSeconds: number;
  readonly onError: (operation: string, error: unknown) => void;
}

/** How long a product (or its tombstone) stays cached without a write. */
export const PRODUCT_TTL_SECONDS = 300;
/** How long a cached first page stays in its generation. */
export const LIST_TTL_SECONDS = 60;

export const PRODUCT_KEY = (id: string) => `catalog:product:${id}`;
export const LIST_GENERATION_KEY = 'catalog:lists:generation';
export const LIST_KEY = (generation: string, queryKey: string) => `catalog:list:${generation}:${queryKey}`;

// Values are "<version>\n<json>". A reader that loaded an older version from the database (or
// from a lagging replica) must not overwrite a newer one written after a commit. An empty json is
// a tombstone: a miss for readers that still blocks older versions.
const SET_IF_NOT_OLDER = `
local current = redis.call('GET', KEYS[1])
if current then
  local version = tonumber(string.match(current, '^(%d+)'))
  if version and version > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2], 'EX', ARGV[3])
return 1`;

// Reads the generation and the page of that generation in one round trip.
const GET_FIRST_PAGE = `
local generation = redis.call('GET', KEYS[1]) or '0'
return { generation, redis.call('GET', 'catalog:list:' .. generation .. ':' .. ARGV[1]) }`;

type CacheRedis = Redis & {
  setIfNotOlder(key: string, version: number, json: string, ttl: number): Promise<number>;
  getFirstPage(generationKey: string, queryKey: string): Promise<[string, string | null]>;
};

type CachePipeline = ReturnType<Redis['pipeline']> & {
  setIfNotOlder(key: string, version: number, json: string, ttl: number): unknown;
};

/** Runs a pipeline and throws the first command's error, if any. */
const execAll = async (pipeline: CachePipeline): Promise<void> => {
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error !== null);
  if (failed) throw failed[0];
};

export const createRedisProductCache = (redis: Redis, options: RedisProductCacheOptions): ProductCache => {
  const client = redis as CacheRedis;
  client.defineCommand('setIfNotOlder', { numberOfKeys: 1, lua: SET_IF_NOT_OLDER });
  client.defineCommand('getFirstPage', { numberOfKeys: 1, lua: GET_FIRST_PAGE });

  const guarded = async <T>(operation: string, fallback: T, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      options.onError(operation, error);
      return fallback;
    }
  };

  return {
    getProduct: (id) =>
      guarded('getProduct', undefined, async () => {
        const value = await client.get(PRODUCT_KEY(id));
        if (value === null) return undefined;
        const json = value.slice(value.indexOf('\n') + 1);
        return json === '' ? undefined : (JSON.parse(json) as Product);
      }),
    putProduct: (product) =>
      guarded('putProduct', undefined, async () => {
        await client.setIfNotOlder(
          PRODUCT_KEY(product.id),
          product.version,
          JSON.stringify(product),
          options.productTtlSeconds,
        );
      }),
    getFirstPage: (queryKey) =>
      guarded('getFirstPage', { generation: '', page: undefined }, async () => {
        const [generation, value] = await client.getFirstPage(LIST_GENERATION_KEY, queryKey);
        return { generation, page: value === null ? undefined : (JSON.parse(value) as CachedPage) };
      }),
    putFirstPage: (generation, queryKey, page) =>
      guarded('putFirstPage', undefined, async () => {
        // No generation could be read (Redis was failing): nothing trustworthy to store under.
        if (generation === '') return;
        await client.set(LIST_KEY(generation, queryKey), JSON.stringify(page), 'EX', options.listTtlSeconds);
      }),
    productChanged: (product) =>
      guarded('productChanged', undefined, async () => {
        const pipeline = client.pipeline() as CachePipeline;
        pipeline.setIfNotOlder(
          PRODUCT_KEY(product.id),
          product.version,
          JSON.stringify(product),
          options.productTtlSeconds,
        );
        pipeline.incr(LIST_GENERATION_KEY);
        await execAll(pipeline);
      }),
    invalidateProducts: (products) =>
      guarded('invalidateProducts', undefined, async () => {
        if (products.length === 0) return;
        const pipeline = client.pipeline() as CachePipeline;
        for (const { id, version } of products) {
          pipeline.setIfNotOlder(PRODUCT_KEY(id), version, '', options.productTtlSeconds);
        }
        pipeline.incr(LIST_GENERATION_KEY);
        await execAll(pipeline);
      }),
  };
};

/** The cache when Redis is off: every read misses, every write is a no-op. */
export const disabledProductCache: ProductCache = {
  getProduct: async () => undefined,
  putProduct: async () => {},
  getFirstPage: async () => ({ generation: '', page: undefined }),
  putFirstPage: async () => {},
  productChanged: async () => {},
  invalidateProducts: async () => {},
};
