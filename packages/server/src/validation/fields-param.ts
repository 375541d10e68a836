/**
 * `fields` of the consumer lists (bbk extension, docs/CONSUMER.md): which stored attributes each list item carries.
 */
import { FIELDS_PARAM, type ValidationItem } from '@bbk/sdk/protocol';

const PATH = new RegExp(FIELDS_PARAM.pattern);

/**
 * Reads `fields` (comma-separated dotted paths: `entity`, `instance`, or under them; a repeated parameter counts as one
 * list) into path segment arrays, without duplicates, in the order given. Absent or empty: no paths.
 * @example validateFields({ fields: 'entity.location,entity.iso' }).value // [['entity', 'location'], ['entity', 'iso']]
 * @example validateFields({ fields: 'name' }).items
 * // [{ name: 'fields', index: 0, reason: 'does not match pattern "^(entity|instance)(\\.[^.,]+)*$"' }]
 */
export function validateFields(query: { fields?: unknown }): { value: string[][]; items: ValidationItem[] } {
  const raw = query.fields;
  const text = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map(String).join(',') : '';
  if (text === '') return { value: [], items: [] };
  const paths = [...new Set(text.split(','))];
  const items: ValidationItem[] = [];
  if (paths.length > FIELDS_PARAM.maxPaths)
    items.push({ name: 'fields', index: null, reason: `has more than ${FIELDS_PARAM.maxPaths} paths` });
  paths.forEach((p, index) => {
    if (p.length > FIELDS_PARAM.maxLength)
      items.push({ name: 'fields', index, reason: `does not meet maximum length of ${FIELDS_PARAM.maxLength}` });
    else if (!PATH.test(p)) items.push({ name: 'fields', index, reason: `does not match pattern "${PATH.source}"` });
  });
  return { value: items.length > 0 ? [] : paths.map((p) => p.split('.')), items };
}
