import type { EntityTypeInput } from '@bbk/sdk';

/** Slug of the country entity type. */
export const COUNTRY_TYPE = 'country';

/** The country entity type: what a coordinator creates before this connector can contribute. */
export const COUNTRY_ENTITY_TYPE = {
  name: 'Countries',
  description: 'All the countries in the world, as defined by the UN, with their yearly population as a timeseries',
  tags: ['geography', 'demographics'],
  icon: '',
  schema: {
    type: 'object',
    required: [
      'area',
      'calling_code',
      'capital',
      'code',
      'continent',
      'currency',
      'landlocked',
      'languages',
      'location',
      'population',
    ],
    properties: {
      area: { type: 'number', minimum: 0 },
      calling_code: { type: 'integer', minimum: 1 },
      capital: { type: 'string', minLength: 1 },
      code: { type: 'string', pattern: '^[A-Z]{2}$' },
      continent: { enum: ['Africa', 'Asia', 'Europe', 'North America', 'Oceania', 'South America'] },
      currency: {
        type: 'object',
        required: ['code', 'name'],
        properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' }, name: { type: 'string' } },
      },
      landlocked: { type: 'boolean' },
      languages: { type: 'array', items: { type: 'string' } },
      location: {
        type: 'object',
        required: ['type', 'coordinates'],
        properties: {
          type: { const: 'Point' },
          coordinates: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } },
        },
      },
      population: { type: 'integer', minimum: 0 },
      link: { type: 'string', format: 'uri' },
    },
  },
  timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1' } },
} as const satisfies EntityTypeInput;
