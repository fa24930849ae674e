/** Where a value sits in a JSON document: object keys and array indices from the top. */
export type JsonPath = (string | number)[];

/**
 * The first finding of `visit` on a JSON value or anything inside it, in document order.
 * Iterative, since a caller's value may nest thousands of levels deep.
 */
export function findInJson<T>(
  value: unknown,
  visit: (item: unknown, path: JsonPath) => T | undefined,
): T | undefined {
  const pending: [unknown, JsonPath][] = [[value, []]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, path] = next;
    const found = visit(item, path);
    if (found !== undefined) return found;
    if (!item || typeof item !== "object") continue;
    const children: [string | number, unknown][] = Array.isArray(item)
      ? item.map((child, index) => [index, child])
      : Object.entries(item);
    for (let index = children.length - 1; index >= 0; index--) {
      const [key, child] = children[index] as [string | number, unknown];
      pending.push([child, [...path, key]]);
    }
  }
  return undefined;
}
