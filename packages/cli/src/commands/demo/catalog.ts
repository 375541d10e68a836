import type { LegalItem, PolicyInput, UserInput } from '@bbk/sdk';

/** The connectors of the demo: slug → entity type. */
export const DEMO_CONNECTORS = {
  countries: 'country',
  'unesco-cultural': 'heritage-site',
  'unesco-natural': 'heritage-site',
} as const;

/** Roughly Europe, from the Azores to the Urals (lon, lat): the demo's geographic policy. */
export const EUROPE: [number, number][] = [
  [-31, 34.5],
  [40, 34.5],
  [40, 47],
  [60, 55],
  [60, 72],
  [-31, 72],
  [-31, 34.5],
];

/** Countries above this population are visible under `over-100-million`. */
export const POPULATION_THRESHOLD = 100_000_000;

const COUNTRY_LEGAL: LegalItem[] = [
  {
    type: 'source',
    text: 'Wikipedia and the World Bank, via the BitBroker example data sets',
    link: 'https://en.wikipedia.org',
  },
  { type: 'license', text: 'Apache License 2.0', link: 'https://www.apache.org/licenses/LICENSE-2.0' },
];
const HERITAGE_LEGAL: LegalItem[] = [
  { type: 'attribution', text: 'UNESCO World Heritage Centre', link: 'https://whc.unesco.org/en/list/' },
  { type: 'license', text: 'Apache License 2.0', link: 'https://www.apache.org/licenses/LICENSE-2.0' },
];

/** The demo policies, showing the range: everything, masks, a threshold, a polygon with limits. */
export const DEMO_POLICIES: Record<string, PolicyInput> = {
  everything: {
    name: 'Everything',
    description: 'Every country and every heritage site, no limits',
    tags: ['demo', 'open'],
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: { $in: ['country', 'heritage-site'] } } },
      legal_context: [...COUNTRY_LEGAL, HERITAGE_LEGAL[0] as LegalItem],
    },
  },
  'countries-masked': {
    name: 'Countries, masked',
    description: 'All countries, without calling codes, currencies and the Wikidata link',
    tags: ['demo', 'masks'],
    policy: {
      access_control: { enabled: false },
      data_segment: {
        segment_query: { type: 'country' },
        field_masks: ['country.entity.calling_code', 'country.entity.currency', 'country.instance.wikidata'],
      },
      legal_context: COUNTRY_LEGAL,
    },
  },
  'over-100-million': {
    name: 'Populous countries',
    description: `Countries with more than ${POPULATION_THRESHOLD.toLocaleString('en')} people`,
    tags: ['demo', 'segment'],
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: 'country', 'entity.population': { $gt: POPULATION_THRESHOLD } } },
      legal_context: COUNTRY_LEGAL,
    },
  },
  'european-heritage': {
    name: 'European heritage',
    description: 'Heritage sites inside a polygon around Europe; 5 calls a second, 1000 a day',
    tags: ['demo', 'geo', 'limits'],
    policy: {
      access_control: { enabled: true, rate: 5, quota: { max_number: 1000, interval_type: 'day' } },
      data_segment: {
        segment_query: {
          type: 'heritage-site',
          'entity.location': { $within: { $geometry: { type: 'Polygon', coordinates: [EUROPE] } } },
        },
      },
      legal_context: HERITAGE_LEGAL,
    },
  },
};

/** The demo's consumers and the policies each may read through. */
export const DEMO_USERS: { user: UserInput; policies: (keyof typeof DEMO_POLICIES)[] }[] = [
  {
    user: { name: 'Alice Analyst', email: 'alice@example.org', organization: 'Acme Analytics' },
    policies: ['everything'],
  },
  {
    user: { name: 'Bob Traveller', email: 'bob@example.org', organization: 'Grand Tour Travel' },
    policies: ['european-heritage'],
  },
  {
    user: { name: 'Carol Researcher', email: 'carol@example.org', organization: 'Open Data Lab' },
    policies: ['countries-masked', 'over-100-million'],
  },
];
