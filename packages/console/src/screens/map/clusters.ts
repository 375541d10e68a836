import L from 'leaflet';
import Supercluster from 'supercluster';
import type { Placed } from './geometry.js';

/**
 * Records as clustered circles on the map's canvas: thousands of points stay smooth because only the
 * clusters of the visible box at the current zoom are drawn (supercluster), each a canvas circle.
 */
export class ClusterLayer {
  readonly #layer = L.layerGroup();
  #index = new Supercluster<{ i: number }>({ radius: 48, maxZoom: 10 });
  #records: Placed[] = [];
  #selected: string | null = null;

  constructor(
    private readonly map: L.Map,
    private readonly renderer: L.Canvas,
    private readonly onPick: (record: Placed) => void,
  ) {
    this.#layer.addTo(map);
    map.on('moveend zoomend', () => this.draw());
  }

  /** Replaces the records shown. */
  set(records: Placed[]): void {
    this.#records = records;
    this.#index = new Supercluster<{ i: number }>({ radius: 48, maxZoom: 10 });
    this.#index.load(
      records.map((r, i) => ({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: r.at } })),
    );
    this.draw();
  }

  /** Marks a record (from the list) and opens its popup. */
  select(id: string | null): void {
    this.#selected = id;
    this.draw();
    const r = this.#records.find((x) => x.id === id);
    if (r) L.popup().setLatLng([r.at[1], r.at[0]]).setContent(popupHtml(r)).openOn(this.map);
  }

  draw(): void {
    this.#layer.clearLayers();
    const b = this.map.getBounds();
    const box: [number, number, number, number] = [
      Math.max(-180, b.getWest()),
      Math.max(-85, b.getSouth()),
      Math.min(180, b.getEast()),
      Math.min(85, b.getNorth()),
    ];
    for (const c of this.#index.getClusters(box, Math.round(this.map.getZoom()))) {
      const [lng, lat] = c.geometry.coordinates as [number, number];
      const props = c.properties as { cluster?: boolean; point_count?: number; cluster_id?: number; i?: number };
      if (props.cluster) {
        const n = props.point_count ?? 0;
        const marker = L.circleMarker([lat, lng], {
          renderer: this.renderer,
          radius: 8 + Math.min(18, Math.sqrt(n) * 2),
          color: '#1d4ed8',
          weight: 1,
          fillColor: '#3b82f6',
          fillOpacity: 0.55,
        }).bindTooltip(`${n} records`);
        marker.on('click', () =>
          this.map.setView([lat, lng], this.#index.getClusterExpansionZoom(props.cluster_id ?? 0)),
        );
        marker.addTo(this.#layer);
      } else {
        const r = this.#records[props.i ?? 0] as Placed;
        const on = r.id === this.#selected;
        const marker = L.circleMarker([lat, lng], {
          renderer: this.renderer,
          radius: on ? 8 : 5,
          color: on ? '#b91c1c' : '#1e3a8a',
          weight: on ? 2 : 1,
          fillColor: on ? '#ef4444' : '#2563eb',
          fillOpacity: 0.9,
        }).bindPopup(popupHtml(r));
        marker.on('click', () => this.onPick(r));
        marker.addTo(this.#layer);
      }
    }
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function popupHtml(r: Placed): string {
  return `<strong>${escapeHtml(r.name)}</strong><br><span>${escapeHtml(r.type)}</span><br><code>${r.id.slice(0, 12)}…</code>`;
}
