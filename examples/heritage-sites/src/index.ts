/**
 * @bbk/example-heritage-sites: the UNESCO World Heritage Sites as two file-based connectors (cultural,
 * natural) of one entity type, contributed in replace sessions, with country links to the countries connector.
 * @example await runHeritageConnector({ contributorUrl, token, connectorId, category: 'cultural', countryConnectorId });
 */
export { type HeritageConnectorOptions, runHeritageConnector } from './connector.js';
export {
  HERITAGE_CATEGORIES,
  HERITAGE_FILES,
  type HeritageCategory,
  type HeritageEntity,
  type HeritageSource,
  heritageCategory,
  loadHeritageSites,
} from './data.js';
export { HERITAGE_ENTITY_TYPE, HERITAGE_TYPE } from './entity-type.js';
export { heritageRecord } from './records.js';
