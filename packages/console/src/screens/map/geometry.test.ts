import { describe, expect, it } from 'vitest';
import { findGeometry, nearQuery, placeItem, withinQuery } from './geometry.js';

describe('map geometry', () => {
  it('finds the first GeoJSON geometry of an entity and its path', () => {
    expect(findGeometry({ name: 'x', location: { type: 'Point', coordinates: [2.35, 48.85] } })).toEqual({
      path: 'entity.location',
      at: [2.35, 48.85],
    });
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [1, 2],
          [3, 4],
          [5, 6],
          [1, 2],
        ],
      ],
    };
    expect(findGeometry({ site: { area: polygon } })).toEqual({ path: 'entity.site.area', at: [1, 2] });
    expect(findGeometry({ location: { type: 'Point', coordinates: 'x' } })).toBeUndefined();
    expect(findGeometry({})).toBeUndefined();
  });

  it('places a list item by the first of the paths its fields hold a geometry at', () => {
    const item = (fields?: Record<string, unknown>) => ({
      id: 'a',
      type: 'site',
      name: 'A',
      ...(fields ? { fields } : {}),
    });
    const point = { type: 'Point', coordinates: [3, 4] };
    const paths = ['entity.location', 'entity.area'];
    expect(placeItem(item({ 'entity.area': point }), paths)).toEqual({
      placed: { id: 'a', type: 'site', name: 'A', at: [3, 4] },
      path: 'entity.area',
    });
    // a masked location is absent from fields, one without coordinates (masked part) is no geometry
    expect(placeItem(item({}), paths)).toBeUndefined();
    expect(placeItem(item({ 'entity.location': { type: 'Point' } }), paths)).toBeUndefined();
    expect(placeItem(item(), paths)).toBeUndefined();
  });

  it('builds $near (metres) and $within (closed ring) queries', () => {
    expect(nearQuery({ type: 'site' }, 'entity.location', [1, 2], 1.5)).toEqual({
      type: 'site',
      'entity.location': { $near: { $geometry: { type: 'Point', coordinates: [1, 2] }, $max: 1500 } },
    });
    const q = withinQuery({}, 'entity.location', [
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(q['entity.location']).toEqual({
      $within: {
        $geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      },
    });
  });
});
