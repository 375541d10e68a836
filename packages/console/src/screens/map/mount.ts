import L from 'leaflet';
import { createBaseMap } from './base-map.js';
import { ClusterLayer } from './clusters.js';
import type { Placed } from './geometry.js';

/** What the map screen drives: records shown, the selection, and the query tools. */
export interface MapTools {
  show(records: Placed[]): void;
  select(id: string | null): void;
  setMode(
    mode: 'browse' | 'near' | 'within',
    on: { onNear: (at: [number, number]) => number; onWithin: (ring: [number, number][]) => void },
  ): void;
  destroy(): void;
}

/**
 * Mounts the map in `el`. Tools: in `near` mode a click runs `$near` around the point (its circle drawn);
 * in `within` mode each click adds a corner, and a click on the first corner closes the polygon and runs
 * `$within`.
 */
export function mountMap(el: HTMLElement, options: { onPick: (r: Placed) => void }): MapTools {
  const { map, renderer } = createBaseMap(el);
  const clusters = new ClusterLayer(map, renderer, options.onPick);
  const drawing = L.layerGroup().addTo(map);
  let handler: ((e: L.LeafletMouseEvent) => void) | null = null;
  let ring: [number, number][] = [];
  let fitted = false;

  const stop = () => {
    if (handler) map.off('click', handler);
    handler = null;
    ring = [];
    map.doubleClickZoom.enable();
  };

  return {
    show(records) {
      clusters.set(records);
      if (!fitted && records.length > 0) {
        fitted = true;
        map.fitBounds(L.latLngBounds(records.map((r) => [r.at[1], r.at[0]] as [number, number])).pad(0.1), {
          maxZoom: 5,
        });
      }
    },
    select: (id) => clusters.select(id),
    setMode(mode, on) {
      stop();
      if (mode === 'near') {
        handler = (e) => {
          drawing.clearLayers();
          const at: [number, number] = [e.latlng.lng, e.latlng.lat];
          const metres = on.onNear(at);
          L.circle(e.latlng, { radius: metres, renderer, color: '#b45309', weight: 1.5, fillOpacity: 0.08 }).addTo(
            drawing,
          );
        };
      } else if (mode === 'within') {
        map.doubleClickZoom.disable();
        handler = (e) => {
          const first = ring[0];
          if (
            first &&
            ring.length >= 3 &&
            map.latLngToContainerPoint([first[1], first[0]]).distanceTo(e.containerPoint) < 12
          ) {
            const done = ring;
            ring = [];
            drawing.clearLayers();
            L.polygon(
              done.map(([lng, lat]) => [lat, lng] as [number, number]),
              { renderer, color: '#b45309', weight: 1.5, fillOpacity: 0.08 },
            ).addTo(drawing);
            on.onWithin(done);
            return;
          }
          if (ring.length === 0) drawing.clearLayers();
          ring.push([e.latlng.lng, e.latlng.lat]);
          L.circleMarker(e.latlng, { renderer, radius: 4, color: '#b45309' }).addTo(drawing);
          if (ring.length > 1)
            L.polyline(
              ring.map(([lng, lat]) => [lat, lng] as [number, number]),
              { renderer, color: '#b45309', weight: 1.5 },
            ).addTo(drawing);
        };
      } else drawing.clearLayers();
      if (handler) map.on('click', handler);
    },
    destroy() {
      stop();
      map.remove();
    },
  };
}
