/**
 * Runs `work` for every item, at most `limit` at once, and resolves when all are done. `work`
 * handles its own errors: the first rejection rejects the whole call.
 */
export const forEachWithLimit = async <T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};
