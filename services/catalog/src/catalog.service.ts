import { createHash } from 'node:crypto';
import type { CachedPage, ProductCache } from '@shop/catalog-cache';
import { type Database, isUniqueViolation, withOutageAs503 } from '@shop/db';
import {
  applyStockDelta,
  assertImageKeysBelongTo,
  ConflictError,
  ForbiddenError,
  isVisibleTo,
  NotFoundError,
  PreconditionFailedError,
  type Product,
  type ProductStatus,
  productImagePrefix,
  SHOP_CURRENCY,
  type StockAdjustmentReason,
  stockChanged,
  ValidationError,
} from '@shop/domain';
import type { Kysely } from 'kysely';
import { decodeCursor, decodeStockHistoryCursor, encodeCursor, encodeStockHistoryCursor } from './cursor';
import type { ImageStorage, PresignedUpload } from './image.storage';
import {
  appendToOutbox,
  archiveProduct,
  changeStock,
  findProductById,
  findProductStatus,
  findProducts,
  insertProduct,
  type ProductChanges,
  recordStockAdjustment,
  toProduct,
  updateProduct,
} from './product.repository';
import { findStockHistory, type StockHistoryEntry } from './stock-history.repository';
import {
  deleteOpenSubscription,
  type StockSubscription,
  upsertOpenSubscription,
} from './stock-subscription.repository';

export interface Viewer {
  readonly isAdmin: boolean;
}

/** Who a stock subscription is for: a customer and the address the back-in-stock email goes to. */
export interface Subscriber {
  readonly customerId: string;
  /** Lower-cased. */
  readonly email: string;
}

export interface PageInput {
  readonly cursor: string | undefined;
  readonly limit: number;
}

export interface StockHistory {
  readonly items: StockHistoryEntry[];
  readonly nextCursor: string | null;
}

export interface ListProductsInput {
  readonly status: ProductStatus | undefined;
  readonly category: string | undefined;
  readonly q: string | undefined;
  readonly cursor: string | undefined;
  readonly limit: number;
}

export interface CreateProductInput {
  readonly sku: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly category: string;
  readonly priceAmount: number;
  readonly stock: number;
  readonly lowStockThreshold: number;
}

export interface StockAdjustmentInput {
  readonly delta: number;
  readonly reason: StockAdjustmentReason;
  readonly note: string | undefined;
}

export interface CatalogDependencies {
  readonly writer: Kysely<Database>;
  readonly reader: Kysely<Database>;
  readonly cache: ProductCache;
  /** Only the image routes need S3: built on first use so read functions never load it. */
  readonly images: () => ImageStorage;
  readonly assetsPublicUrl: string;
  readonly newId: () => string;
  readonly now: () => Date;
  /**
   * Called after a transaction that wrote `StockChanged` outbox rows has committed (stock
   * adjustments, products created with stock): the functions that write them kick the outbox
   * relay here. Must never throw. Without it the events wait for the sweeper.
   */
  readonly eventsCommitted?: () => Promise<void>;
}

export type CatalogService = ReturnType<typeof createCatalogService>;

const IMAGE_EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** Collapses concurrent identical loads in this process into one (cache stampede protection). */
const singleFlight = <T>() => {
  const inFlight = new Map<string, Promise<T>>();
  return (key: string, load: () => Promise<T>): Promise<T> => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = load().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
};

export const createCatalogService = (deps: CatalogDependencies) => {
  const { writer, reader, cache, assetsPublicUrl } = deps;
  const eventsCommitted = deps.eventsCommitted ?? (async () => undefined);
  const loadProduct = singleFlight<Product | undefined>();
  const loadFirstPage = singleFlight<CachedPage>();
  const product = (row: Parameters<typeof toProduct>[0]) => toProduct(row, assetsPublicUrl);

  const readPage = async (input: ListProductsInput & { status: ProductStatus }): Promise<CachedPage> => {
    const { rows, more } = await findProducts(reader, {
      status: input.status,
      category: input.category,
      q: input.q,
      beforeSeq: input.cursor === undefined ? undefined : decodeCursor(input.cursor),
      limit: input.limit,
    });
    const last = rows.at(-1);
    return { items: rows.map(product), nextCursor: more && last ? encodeCursor(last.seq) : null };
  };

  const committed = async (changed: Product): Promise<Product> => {
    await cache.productChanged(changed);
    return changed;
  };

  const requireProduct = async (id: string): Promise<Product> => {
    const row = await findProductById(writer, id);
    if (!row) throw new NotFoundError('Product');
    return product(row);
  };

  return withOutageAs503(
    {
      /** Newest first. Only the first page of each query is cached: deep pages are rare and cheap. */
      async listProducts(input: ListProductsInput, viewer: Viewer): Promise<CachedPage> {
        const status = input.status ?? 'active';
        if (status === 'archived' && !viewer.isAdmin)
          throw new ForbiddenError('Only admins may list archived products');
        const query = { ...input, status };
        if (input.cursor !== undefined) return readPage(query);

        const queryKey = createHash('sha1')
          .update(JSON.stringify([status, input.category ?? null, input.q ?? null, input.limit]))
          .digest('base64url');
        return loadFirstPage(queryKey, async () => {
          const { generation, page } = await cache.getFirstPage(queryKey);
          if (page) return page;
          const fresh = await readPage(query);
          await cache.putFirstPage(generation, queryKey, fresh);
          return fresh;
        });
      },

      async getProduct(id: string, viewer: Viewer): Promise<Product> {
        const found = await loadProduct(id, async () => {
          const cached = await cache.getProduct(id);
          if (cached) return cached;
          const row = await findProductById(reader, id);
          if (!row) return undefined;
          const fresh = product(row);
          await cache.putProduct(fresh);
          return fresh;
        });
        if (!found || !isVisibleTo(found, viewer)) throw new NotFoundError('Product');
        return found;
      },

      /** One transaction: the product and, when it starts with stock, its `StockChanged` event. */
      async createProduct(input: CreateProductInput, correlationId: string): Promise<Product> {
        const id = deps.newId();
        try {
          const row = await writer.transaction().execute(async (trx) => {
            const inserted = await insertProduct(trx, {
              id,
              sku: input.sku,
              name: input.name,
              description: input.description ?? '',
              category: input.category,
              priceAmount: input.priceAmount,
              currency: SHOP_CURRENCY,
              stock: input.stock,
              lowStockThreshold: input.lowStockThreshold,
            });
            if (inserted.stock > 0) {
              const event = stockChanged({
                id: deps.newId(),
                occurredAt: deps.now().toISOString(),
                product: { id, sku: inserted.sku, lowStockThreshold: inserted.low_stock_threshold },
                previousStock: 0,
                newStock: inserted.stock,
                reason: 'restock',
                correlationId,
              });
              await appendToOutbox(trx, event);
            }
            return inserted;
          });
          const createdProduct = await committed(product(row));
          if (row.stock > 0) await eventsCommitted();
          return createdProduct;
        } catch (error) {
          if (isUniqueViolation(error, 'products_sku_key')) {
            throw new ConflictError(`A product with sku ${input.sku} already exists`, [
              { path: 'sku', message: 'already exists' },
            ]);
          }
          throw error;
        }
      },

      async updateProduct(
        id: string,
        changes: ProductChanges,
        expectedVersion: number | undefined,
      ): Promise<Product> {
        if (changes.imageKeys !== undefined) {
          assertImageKeysBelongTo(id, changes.imageKeys);
          const missing = await deps.images().findMissing(changes.imageKeys);
          if (missing.length > 0) {
            throw new ValidationError(
              'Some images were never uploaded',
              missing.map((key) => ({
                path: `images.${changes.imageKeys!.indexOf(key)}`,
                message: 'not uploaded',
              })),
            );
          }
        }
        const row = await updateProduct(writer, id, changes, expectedVersion);
        if (row) return committed(product(row));
        const current = await findProductById(writer, id);
        if (!current) throw new NotFoundError('Product');
        throw new PreconditionFailedError(
          `The product is at version ${current.version}, not ${expectedVersion}`,
        );
      },

      async archiveProduct(id: string): Promise<void> {
        const result = await archiveProduct(writer, id);
        if (!result) throw new NotFoundError('Product');
        if (result.changed) await committed(product(result.row));
      },

      /**
       * One transaction, 4 round trips (BEGIN, UPDATE ... RETURNING, one INSERT for the audit row and
       * the outbox event, COMMIT). The conditional UPDATE makes concurrent adjustments safe.
       */
      async adjustStock(
        id: string,
        input: StockAdjustmentInput,
        actor: string,
        correlationId: string,
      ): Promise<{ productId: string; stock: number }> {
        const row = await writer.transaction().execute(async (trx) => {
          const updated = await changeStock(trx, id, input.delta);
          if (!updated) {
            const current = await findProductById(trx, id);
            if (!current) throw new NotFoundError('Product');
            applyStockDelta(current, input.delta); // throws INSUFFICIENT_STOCK with what is available
            throw new Error(`stock update of ${id} matched no row although the delta fits`);
          }
          const event = stockChanged({
            id: deps.newId(),
            occurredAt: deps.now().toISOString(),
            product: { id, sku: updated.sku, lowStockThreshold: updated.low_stock_threshold },
            previousStock: updated.stock - input.delta,
            newStock: updated.stock,
            reason: input.reason,
            correlationId,
          });
          await recordStockAdjustment(trx, { id: deps.newId(), note: input.note, actor }, event);
          return updated;
        });
        await committed(product(row));
        await eventsCommitted();
        return { productId: id, stock: row.stock };
      },

      async createImageUpload(
        id: string,
        input: { contentType: string; contentLength: number },
      ): Promise<PresignedUpload> {
        await requireProduct(id);
        const key = `${productImagePrefix(id)}${deps.newId()}.${IMAGE_EXTENSIONS[input.contentType] ?? 'bin'}`;
        return deps.images().presignUpload({ key, ...input });
      },

      /**
       * The product's stock ledger, newest first; archived products keep their history. Two
       * queries on the reader, run in parallel: the product's existence and the page.
       */
      async getStockHistory(id: string, page: PageInput): Promise<StockHistory> {
        const beforeSeq = page.cursor === undefined ? undefined : decodeStockHistoryCursor(page.cursor);
        const [status, history] = await Promise.all([
          findProductStatus(reader, id),
          findStockHistory(reader, { productId: id, beforeSeq, limit: page.limit }),
        ]);
        if (!status) throw new NotFoundError('Product');
        return {
          items: history.entries,
          nextCursor: history.nextSeq === null ? null : encodeStockHistoryCursor(history.nextSeq),
        };
      },

      /**
       * Opens the subscriber's "email me when it is back in stock" for an active product; `created`
       * is false when one was already open (its address is then brought up to date). One round trip;
       * concurrent first requests race on the unique index, never on a read: exactly one creates.
       */
      async subscribeToStock(
        id: string,
        subscriber: Subscriber,
      ): Promise<{ subscription: StockSubscription; created: boolean }> {
        const opened = await upsertOpenSubscription(writer, {
          id: deps.newId(),
          productId: id,
          customerId: subscriber.customerId,
          email: subscriber.email,
        });
        if (!opened) throw new NotFoundError('Product');
        return opened;
      },

      /**
       * Closes (deletes) the customer's open subscription; nothing to close is fine. One round trip
       * when one was open; otherwise a second tells an unknown product (404) from nothing to do.
       * Archived products are accepted, so a customer can always withdraw.
       */
      async unsubscribeFromStock(id: string, customerId: string): Promise<void> {
        if (await deleteOpenSubscription(writer, id, customerId)) return;
        if (!(await findProductStatus(writer, id))) throw new NotFoundError('Product');
      },
    },
    { message: 'The catalog is unavailable', retryAfterSeconds: 2 },
  );
};
