import type { Ir } from './ir.js';

/** Constant true / false. */
export const TRUE: Ir = { kind: 'const', value: true };
export const FALSE: Ir = { kind: 'const', value: false };

function combine(kind: 'and' | 'or', items: Ir[]): Ir {
  // true is neutral for AND and absorbing for OR; false the other way round.
  const neutral = kind === 'and';
  const out: Ir[] = [];
  for (const item of items) {
    if (item.kind === 'const') {
      if (item.value !== neutral) return item;
    } else if (item.kind === kind) out.push(...item.items);
    else out.push(item);
  }
  if (out.length === 0) return neutral ? TRUE : FALSE;
  return out.length === 1 ? out[0]! : { kind, items: out };
}

/** AND, flattened; constants folded. */
export const and = (items: Ir[]): Ir => combine('and', items);
/** OR, flattened; constants folded. */
export const or = (items: Ir[]): Ir => combine('or', items);

/** NOT, where unknown (SQL NULL) counts as false, so NOT NOT x = x. */
export function not(item: Ir): Ir {
  if (item.kind === 'const') return item.value ? FALSE : TRUE;
  if (item.kind === 'not') return item.item;
  return { kind: 'not', item };
}
