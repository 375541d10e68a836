import { readFileSync } from 'node:fs';

/** The two UNESCO lists, each contributed by its own connector. */
export const HERITAGE_CATEGORIES = ['cultural', 'natural'] as const;
export type HeritageCategory = (typeof HERITAGE_CATEGORIES)[number];

/** A heritage site's catalog data. */
export interface HeritageEntity {
  /** Hectares; absent for a few sites. */
  area?: number;
  category: HeritageCategory;
  /** `bbk://country/{cid}/XX`: a link to the country record, `{cid}` standing for the countries connector. */
  country: string;
  description: string;
  /** Year of inscription on the World Heritage List. */
  inscribed: number;
  location: { type: 'Point'; coordinates: [number, number] };
  link: string;
  /** Thumbnail URL; empty for a few sites. */
  image: string;
}

/** A site as the source file holds it. */
export interface HeritageSource {
  /** UNESCO site number. */
  id: string;
  name: string;
  entity: HeritageEntity;
}

/** The bundled files: 814 cultural and 203 natural sites (UNESCO; Apache-2.0 BitBroker examples). */
export const HERITAGE_FILES: Record<HeritageCategory, URL> = {
  cultural: new URL('../data/heritage-site-cultural.json', import.meta.url),
  natural: new URL('../data/heritage-site-natural.json', import.meta.url),
};

const cache = new Map<HeritageCategory, HeritageSource[]>();

/**
 * The sites of one list, read once.
 * @example loadHeritageSites('natural').length // 203
 */
export function loadHeritageSites(category: HeritageCategory): HeritageSource[] {
  let sites = cache.get(category);
  if (!sites) {
    sites = JSON.parse(readFileSync(HERITAGE_FILES[category], 'utf8')) as HeritageSource[];
    cache.set(category, sites);
  }
  return sites;
}

/**
 * Checks a category name from the command line or the environment.
 * @example heritageCategory('natural') // 'natural'
 */
export function heritageCategory(value: string | undefined): HeritageCategory {
  const found = HERITAGE_CATEGORIES.find((category) => category === value);
  if (!found)
    throw new Error(`heritage category must be one of ${HERITAGE_CATEGORIES.join(', ')}, got "${value ?? ''}"`);
  return found;
}
