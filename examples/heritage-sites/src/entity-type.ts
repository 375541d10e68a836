import type { EntityTypeInput } from '@bbk/sdk';

/** Slug of the heritage site entity type. */
export const HERITAGE_TYPE = 'heritage-site';

/** The heritage site entity type, shared by the cultural and the natural connector. */
export const HERITAGE_ENTITY_TYPE = {
  name: 'World Heritage Sites',
  description: 'UNESCO World Heritage Sites, cultural and natural, each linked to its country',
  tags: ['heritage', 'geography'],
  icon: '',
  schema: {
    type: 'object',
    required: ['category', 'country', 'description', 'inscribed', 'location', 'link'],
    properties: {
      area: { type: 'number', minimum: 0 },
      category: { enum: ['cultural', 'natural'] },
      country: { type: 'string', pattern: '^bbk://country/[a-z0-9][a-z0-9-]+/[A-Z]{2}$' },
      description: { type: 'string' },
      inscribed: { type: 'integer', minimum: 1978 },
      location: {
        type: 'object',
        required: ['type', 'coordinates'],
        properties: {
          type: { const: 'Point' },
          coordinates: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } },
        },
      },
      link: { type: 'string', format: 'uri' },
      image: { type: 'string' },
    },
  },
  timeseries: {},
} as const satisfies EntityTypeInput;
