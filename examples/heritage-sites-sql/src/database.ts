import { HERITAGE_CATEGORIES, type HeritageSource, loadHeritageSites } from '@bbk/example-heritage-sites';
import Database from 'better-sqlite3';

/** The relational form of the sites: one row per site, the country as its ISO code, the point as two columns. */
export const HERITAGE_SCHEMA = `
CREATE TABLE IF NOT EXISTS sites (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  category     TEXT NOT NULL CHECK (category IN ('cultural', 'natural')),
  country_code TEXT NOT NULL CHECK (length(country_code) = 2),
  description  TEXT NOT NULL,
  inscribed    INTEGER NOT NULL,
  area         REAL,
  longitude    REAL NOT NULL,
  latitude     REAL NOT NULL,
  link         TEXT NOT NULL,
  image        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sites_category ON sites (category);
`;

/** A row of `sites`. */
export interface SiteRow {
  id: string;
  name: string;
  category: 'cultural' | 'natural';
  country_code: string;
  description: string;
  inscribed: number;
  area: number | null;
  longitude: number;
  latitude: number;
  link: string;
  image: string;
}

/**
 * Builds (or refreshes) a SQLite database of heritage sites from the JSON lists, in one transaction.
 * Resolves to the number of rows written.
 * @example buildHeritageDatabase('heritage.db') // 1017
 */
export function buildHeritageDatabase(file: string, sites?: HeritageSource[]): number {
  const all = sites ?? HERITAGE_CATEGORIES.flatMap((category) => loadHeritageSites(category));
  const db = new Database(file);
  try {
    db.exec(HERITAGE_SCHEMA);
    const insert = db.prepare(
      `INSERT OR REPLACE INTO sites (id, name, category, country_code, description, inscribed, area, longitude, latitude, link, image)
       VALUES (@id, @name, @category, @country_code, @description, @inscribed, @area, @longitude, @latitude, @link, @image)`,
    );
    db.transaction(() => {
      for (const site of all) insert.run(siteRow(site));
    })();
    return all.length;
  } finally {
    db.close();
  }
}

function siteRow(site: HeritageSource): SiteRow {
  const { entity } = site;
  const code = /\/([A-Z]{2})$/.exec(entity.country)?.[1];
  if (!code) throw new TypeError(`site ${site.id}: no country code in "${entity.country}"`);
  const [longitude, latitude] = entity.location.coordinates;
  return {
    id: site.id,
    name: site.name,
    category: entity.category,
    country_code: code,
    description: entity.description,
    inscribed: entity.inscribed,
    area: entity.area ?? null,
    longitude,
    latitude,
    link: entity.link,
    image: entity.image,
  };
}
