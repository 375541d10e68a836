import { describe, expect, it } from 'vitest';
import { extractGeometries, geometryBBox, parseGeometry } from './index.js';

const square = [
  [0, 0],
  [2, 0],
  [2, 1],
  [0, 1],
  [0, 0],
];

describe('parseGeometry', () => {
  it.each<[unknown]>([
    [{ type: 'Point', coordinates: [1, 2] }],
    [{ type: 'Point', coordinates: [1, 2, 300] }],
    [{ type: 'Point', coordinates: [-180, -90] }],
    [{ type: 'MultiPoint', coordinates: [[1, 2]] }],
    [
      {
        type: 'LineString',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    [
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      },
    ],
    [{ type: 'Polygon', coordinates: [square] }],
    [{ type: 'MultiPolygon', coordinates: [[square]] }],
    [{ type: 'Point', coordinates: [1, 2], bbox: [1, 2, 1, 2], properties: { a: 1 } }],
  ])('accepts %j', (g) => {
    expect(parseGeometry(g)).not.toBeNull();
  });

  it.each<[unknown]>([
    [null],
    ['Point'],
    [[1, 2]],
    [{ type: 'Point' }],
    [{ type: 'Point', coordinates: [1] }],
    [{ type: 'Point', coordinates: [1, 2, 3, 4] }],
    [{ type: 'Point', coordinates: ['1', 2] }],
    [{ type: 'Point', coordinates: [181, 0] }],
    [{ type: 'Point', coordinates: [0, -91] }],
    [{ type: 'point', coordinates: [1, 2] }],
    [{ type: 'MultiPoint', coordinates: [] }],
    [{ type: 'LineString', coordinates: [[1, 2]] }],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
    ],
    [{ type: 'Polygon', coordinates: [] }],
    [{ type: 'MultiPolygon', coordinates: [[]] }],
    [{ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }] }],
    [{ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: {} }],
  ])('rejects %j', (g) => {
    expect(parseGeometry(g)).toBeNull();
  });

  it('drops altitudes', () => {
    expect(parseGeometry({ type: 'Point', coordinates: [1, 2, 3] })).toEqual({ type: 'Point', coordinates: [1, 2] });
  });
});

describe('geometryBBox', () => {
  it('is the planar min/max of all positions', () => {
    expect(geometryBBox({ type: 'Point', coordinates: [1, 2] })).toEqual([1, 2, 1, 2]);
    expect(geometryBBox({ type: 'MultiPolygon', coordinates: [[square as [number, number][]]] })).toEqual([0, 0, 2, 1]);
    expect(
      geometryBBox({
        type: 'LineString',
        coordinates: [
          [179, 10],
          [-179, -5],
        ],
      }),
    ).toEqual([-179, -5, 179, 10]);
  });
});

describe('extractGeometries', () => {
  it('finds every geometry in entity and instance, with dotted paths', () => {
    const doc = {
      id: 'x',
      name: 'x',
      type: 't',
      timeseries: { a: { type: 'Point', coordinates: [0, 0] } },
      entity: {
        location: { type: 'Point', coordinates: [1.5, 42.5] },
        places: [
          {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [3, 4],
            ],
          },
          'nope',
          { at: { type: 'Point', coordinates: [5, 6] } },
        ],
        collection: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [7, 8] }] },
        bad: { type: 'Point', coordinates: [500, 0] },
        feature: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square] } },
        text: 'Point',
      },
      instance: {
        where: {
          type: 'MultiPoint',
          coordinates: [
            [1, 1],
            [-1, -2],
          ],
        },
      },
    };
    expect(extractGeometries(doc)).toEqual([
      { path: 'entity.location', bbox: [1.5, 42.5, 1.5, 42.5] },
      { path: 'entity.places.0', bbox: [0, 0, 3, 4] },
      { path: 'entity.places.2.at', bbox: [5, 6, 5, 6] },
      { path: 'entity.collection.geometries.0', bbox: [7, 8, 7, 8] },
      { path: 'entity.feature.geometry', bbox: [0, 0, 2, 1] },
      { path: 'instance.where', bbox: [-1, -2, 1, 1] },
    ]);
  });

  it('copes with odd documents', () => {
    expect(extractGeometries(null)).toEqual([]);
    expect(extractGeometries('x')).toEqual([]);
    expect(extractGeometries({ entity: 5 })).toEqual([]);
    let deep: unknown = { type: 'Point', coordinates: [0, 0] };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(extractGeometries({ entity: deep })).toEqual([]);
  });
});
