import { sha1Hex } from '../auth/tokens.js';

/** `bbk://{type}/{contribution id}/{vendor id}` (spec §4.4 step 5). No `g` flag: nothing stateful. */
const LINK = /^[bB][bB][kK]:\/\/([a-z0-9][a-z0-9-]+)\/([a-z0-9][a-z0-9-]+)\/([^/]+)$/;

/**
 * Rewrites every string anywhere in `value` (objects and arrays, at any depth)
 * that is a bbk link into the consumer URL of the record it names:
 * `{route}/entity/{type}/{sha1("{contribution id}:{vendor id}")}`. Every match
 * is rewritten (the original skipped some). Returns a new value; the input is not mutated.
 * @example rewriteLinks({ country: 'bbk://country/9afc…/GB' }, 'http://h/v1') // { country: 'http://h/v1/entity/country/5ebb…' }
 */
export function rewriteLinks(value: unknown, route: string): unknown {
  if (typeof value === 'string') {
    const m = LINK.exec(value);
    return m ? `${route}/entity/${m[1]}/${sha1Hex(`${m[2]}:${m[3]}`)}` : value;
  }
  // copy-on-write: containers without links are returned as they are
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = rewriteLinks(value[i], route);
      if (next === value[i]) continue;
      out ??= value.slice();
      out[i] = next;
    }
    return out ?? value;
  }
  if (typeof value === 'object' && value !== null) {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const next = rewriteLinks(v, route);
      if (next === v) continue;
      out ??= { ...value };
      out[k] = next;
    }
    return out ?? value;
  }
  return value;
}
