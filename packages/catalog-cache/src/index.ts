export {
  type CachedPage,
  createRedisProductCache,
  disabledProductCache,
  LIST_GENERATION_KEY,
  LIST_KEY,
  LIST_TTL_SECONDS,
  PRODUCT_KEY,
  PRODUCT_TTL_SECONDS,
  type ProductCache,
  type ProductVersion,
  type RedisProductCacheOptions,
} from './product.cache';
export { CACHE_TIMEOUT_MS, createCacheRedis, createProductCache } from './redis';
