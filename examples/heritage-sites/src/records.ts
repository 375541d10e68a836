import { isContributionId } from '@bbk/connector-kit';
import type { RecordInput } from '@bbk/sdk';
import type { HeritageEntity, HeritageSource } from './data.js';

const PLACEHOLDER = /^bbk:\/\/country\/\{cid\}\/([A-Z]{2})$/;

/**
 * The catalog record of a site, its `bbk://country/{cid}/XX` link pointing at the countries connector's
 * contribution id, so that consumers see a real consumer URL of the country (bbk rewrites links on detail).
 * @example heritageRecord(site, countriesId).entity.country // 'bbk://country/9afc…734b/IT'
 */
export function heritageRecord(site: HeritageSource, countryContributionId: string): RecordInput<HeritageEntity> {
  if (!isContributionId(countryContributionId)) {
    throw new TypeError(
      `the countries connector's contribution id must be 40 lower-case hex characters, got "${countryContributionId}"`,
    );
  }
  const match = PLACEHOLDER.exec(site.entity.country);
  if (!match)
    throw new TypeError(`site ${site.id}: country "${site.entity.country}" is not a bbk://country/{cid}/XX link`);
  return {
    id: site.id,
    name: site.name,
    entity: { ...site.entity, country: `bbk://country/${countryContributionId}/${match[1]}` },
  };
}
