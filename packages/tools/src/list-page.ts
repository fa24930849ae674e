import { z } from "zod";

/** One page of a list: what every list tool returns around its items. */
export interface Page<T> {
  items: T[];
  has_more: boolean;
  next_offset?: number;
}

/** The most items Prefect returns to one request (PREFECT_SERVER_API_DEFAULT_LIMIT). */
export const MAX_PER_REQUEST = 200;

/**
 * Wraps a paged read so that `limit` may exceed Prefect's 200 per request: it asks in chunks of at
 * most 200 and stops at the first short chunk.
 */
export function inChunks<T>(read: (limit: number, offset: number) => Promise<T[]>) {
  return async (limit: number, offset: number): Promise<T[]> => {
    const items: T[] = [];
    while (items.length < limit) {
      const want = Math.min(MAX_PER_REQUEST, limit - items.length);
      const chunk = await read(want, offset + items.length);
      items.push(...chunk);
      if (chunk.length < want) break;
    }
    return items;
  };
}

/**
 * Fetches one page by asking Prefect for one item more than the limit: that extra item is how
 * `has_more` is known without a separate count request. Reads go in chunks of at most 200.
 */
export async function fetchPage<T>(
  limit: number,
  offset: number,
  fetch: (limit: number, offset: number) => Promise<T[]>,
): Promise<Page<T>> {
  const fetched = await inChunks(fetch)(limit + 1, offset);
  const has_more = fetched.length > limit;
  const items = fetched.slice(0, limit);
  return has_more ? { items, has_more, next_offset: offset + items.length } : { items, has_more };
}

/** The output schema of a list tool whose items sit under `key`. */
export function listOutput<Key extends string, Item extends z.ZodType>(key: Key, item: Item) {
  return z.object({
    count: z.number().int(),
    has_more: z.boolean(),
    next_offset: z.number().int().optional(),
    ...({ [key]: z.array(item) } as { [K in Key]: z.ZodArray<Item> }),
  });
}

/** The envelope for a page: count, has_more, next_offset, and the items under `key`. */
export function listResult<Key extends string, T>(key: Key, page: Page<T>) {
  return {
    count: page.items.length,
    has_more: page.has_more,
    ...(page.next_offset === undefined ? {} : { next_offset: page.next_offset }),
    [key]: page.items,
  } as { count: number; has_more: boolean; next_offset?: number } & { [K in Key]: T[] };
}
