/**
 * Drops what no reader needs before a result is sent: null and undefined values, empty strings,
 * empty arrays and empty objects, at any depth. Zero and false are kept: they carry information.
 */
export function compact<T extends object>(value: T): Compact<T> {
  return prune(value) as Compact<T>;
}

/** `T` with its nullable fields made optional and non-null, as `compact` leaves them. */
export type Compact<T> = {
  [K in keyof T as null extends T[K] ? never : undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as null extends T[K] ? K : undefined extends T[K] ? K : never]?: Exclude<
    T[K],
    null | undefined
  >;
};

function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(prune).filter((item) => item !== undefined);
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const kept: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pruned = prune(child);
      if (!isEmpty(pruned)) kept[key] = pruned;
    }
    return kept;
  }
  return value;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && !(value instanceof Date)) return Object.keys(value).length === 0;
  return false;
}
