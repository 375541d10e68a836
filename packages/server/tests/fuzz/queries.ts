import type { Rng } from './rng.js';
import type { World } from './world.js';

/** Consumer queries (§4.3): valid ones over the example fields, operators, geo, and odd forms. */
export function consumerQuery(r: Rng, w: World): unknown {
  const field = r.pick([
    'name',
    'type',
    'id',
    'entity.code',
    'entity.continent',
    'entity.population',
    'entity.area',
    'entity.capital',
    'entity.languages',
    'entity.currency.code',
    'entity.location',
    'instance.independence',
    'entity.secret',
    'entity.private.pin',
    'timeseries.population.value',
    'entity.landlocked',
    'entity.languages.0',
  ]);
  const scalar = () =>
    r.pick<unknown>(['Europe', 'FR', 'Andorra', 74794, 0, -0, 1e308, true, null, 'MASKED-', '"', '?', '??', "'"]);
  const geo = () => ({ type: 'Point', coordinates: [r.int(-180, 180), r.int(-90, 90)] });
  const poly = () => ({
    type: 'Polygon',
    coordinates: [
      [
        [-10, 35],
        [30, 35],
        [30, 70],
        [-10, 70],
        [-10, 35],
      ],
    ],
  });
  return r.weighted<() => unknown>([
    [3, () => ({ [field]: scalar() })],
    [3, () => ({ [field]: { [r.pick(['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$contains'])]: scalar() } })],
    [2, () => ({ [field]: { [r.pick(['$in', '$nin'])]: [scalar(), scalar()] } })],
    [
      2,
      () => ({
        [field]: { $regex: r.pick(['^A', '.*', '(a+)+$', '[', 'é', '\\d{3}', '']), $options: r.pick(['i', 'x', '']) },
      }),
    ],
    [
      2,
      () => ({
        'entity.location': { $near: { $geometry: geo(), $max: r.pick([1000, 5_000_000, 0, -1, 1.5, 1e308]) } },
      }),
    ],
    [1, () => ({ 'entity.location': { $within: { $geometry: poly() } } })],
    [
      1,
      () => ({
        'entity.location': {
          $within: { $geometry: r.pick<unknown>([{}, geo(), 'x', { type: 'Polygon', coordinates: [] }]) },
        },
      }),
    ],
    [2, () => ({ [r.pick(['$and', '$or', '$nor'])]: [{ [field]: scalar() }, { type: w.fixture.entityType }] })],
    [1, () => ({ $not: { [field]: scalar() } })],
    [1, () => ({ [field]: { $not: { $eq: scalar() } } })],
    [
      1,
      () => r.pick<unknown>([{}, [], null, 5, 'x', { $and: [] }, { $exists: true }, { name: '$foo' }, { $where: '1' }]),
    ],
    [1, () => ({ type: w.fixture.entityType })],
    [
      1,
      () => {
        let q: unknown = { name: 'x' };
        for (let i = r.int(10, 400); i > 0; i--) q = { $and: [q] };
        return q;
      },
    ],
  ])();
}

/** The masked-path probes: with the fixture policy, any of these answering a record reveals a masked value. */
export function maskProbe(r: Rng): Record<string, unknown> {
  const path = r.pick(['entity.secret', 'entity.private', 'entity.private.pin']);
  return r.pick<Record<string, unknown>>([
    { [path]: { $regex: r.pick(['MASKED', '^M', '.', '']) } },
    { [path]: { $gt: '' } },
    { [path]: { $gte: '' } },
    { [path]: { $lt: '\uffff' } },
    { $nor: [{ [path]: null }] },
    { $not: { [path]: null } },
  ]);
}
