import type { HeritageEntity } from '@bbk/example-heritage-sites';
import type { RecordInput } from '@bbk/sdk';
import type { SiteRow } from './database.js';

/**
 * The catalog record of a row: columns regrouped into the entity shape, the point rebuilt as GeoJSON,
 * the country code turned into a link to the countries connector's record.
 * @example rowRecord(row, countriesId).entity.location // { type: 'Point', coordinates: [14.99, 37.75] }
 */
export function rowRecord(row: SiteRow, countryContributionId: string): RecordInput<HeritageEntity> {
  return {
    id: row.id,
    name: row.name,
    entity: {
      ...(row.area === null ? {} : { area: row.area }),
      category: row.category,
      country: `bbk://country/${countryContributionId}/${row.country_code}`,
      description: row.description,
      inscribed: row.inscribed,
      location: { type: 'Point', coordinates: [row.longitude, row.latitude] },
      link: row.link,
      image: row.image,
    },
  };
}
