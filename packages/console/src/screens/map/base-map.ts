import L from 'leaflet';
import { feature } from 'topojson-client';
import land from 'world-atlas/land-110m.json';
import 'leaflet/dist/leaflet.css';

/**
 * An offline base map: Natural Earth's land outline (1:110m, from the world-atlas package, bundled), drawn
 * on one canvas with everything else. No tiles, no request outside the console.
 */
export function createBaseMap(el: HTMLElement): { map: L.Map; renderer: L.Canvas } {
  const renderer = L.canvas({ padding: 0.5 });
  const map = L.map(el, {
    renderer,
    preferCanvas: true,
    worldCopyJump: true,
    minZoom: 1,
    maxZoom: 12,
    zoomSnap: 0.5,
    // zooms are instant: a map removed in the middle of a zoom animation (leaving the map screen just after
    // the first fit or a cluster click) throws when the animation ends (Leaflet/Leaflet#9575), and the
    // clusters are redrawn at every zoom anyway
    zoomAnimation: false,
    attributionControl: true,
  });
  map.attributionControl.setPrefix(false).addAttribution('Natural Earth');
  type Topology = Parameters<typeof feature>[0];
  const topology = land as unknown as Topology & { objects: { land: Parameters<typeof feature>[1] } };
  const outline = feature(topology, topology.objects.land);
  L.geoJSON(outline, {
    renderer,
    interactive: false,
    // fill only: outline strokes would draw the antimeridian cuts of Natural Earth's polygons as lines
    style: { stroke: false, fillColor: '#f4f1e8', fillOpacity: 1 },
  } as L.GeoJSONOptions).addTo(map);
  map.setView([25, 10], 2);
  return { map, renderer };
}
