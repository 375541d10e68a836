/**
 * Names of validation items (spec §1.8): a dotted path under a root prefix, non-identifier keys
 * as `["key"]`, and the first array index taken out of the name into `index`.
 */

/** Path suffix of one object key, as the original validator writes it (`.name`, `["ts 1"]`, `[12]`). */
export function keySuffix(key: string): string {
  if (!/[.\s[\]]/.test(key) && !/^\d/.test(key)) return `.${key}`;
  if (/^\d+$/.test(key)) return `[${key}]`;
  return `[${JSON.stringify(key)}]`;
}

/** Splits a JSON Pointer (`/a/0/b~1c`) into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Where an item points: its `name` and `index`. */
export interface ItemLocation {
  name: string;
  index: number | null;
}

/**
 * Locates a value given by pointer segments inside `data`.
 * With `fixedIndex` the index is given by the caller (e.g. the record's position) and every
 * array index of the path stays in the name.
 * @example locate('records', [{ entity: { list: [1, 'x'] } }], ['0', 'entity', 'list', '1'])
 * // { name: 'records.entity.list[1]', index: 0 }
 */
export function locate(root: string, data: unknown, segments: readonly string[], fixedIndex?: number): ItemLocation {
  let name = root;
  let index: number | null = fixedIndex ?? null;
  let taken = fixedIndex !== undefined;
  let node: unknown = data;
  for (const segment of segments) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      if (taken) name += `[${segment}]`;
      else {
        index = Number(segment);
        taken = true;
      }
      node = node[Number(segment)];
    } else {
      name += keySuffix(segment);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return { name: name.startsWith('.') ? name.slice(1) : name, index };
}
