import type { TimeseriesPoint } from '@bbk/sdk/browser';

/** A small line chart of numeric timeseries points (oldest left), drawn as SVG. */
export function Chart(props: { points: TimeseriesPoint[]; label: string }) {
  const points = props.points
    .map((p) => ({ t: Date.parse(p.from), v: typeof p.value === 'number' ? p.value : Number(p.value) }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v))
    .sort((a, b) => a.t - b.t);
  if (points.length === 0) return <p class="muted">No numeric points to draw.</p>;
  const [w, h, pad] = [480, 160, 28];
  const ts = points.map((p) => p.t);
  const vs = points.map((p) => p.v);
  const [t0, t1, v0, v1] = [Math.min(...ts), Math.max(...ts), Math.min(...vs), Math.max(...vs)];
  const x = (t: number) => pad + ((t - t0) / (t1 - t0 || 1)) * (w - 2 * pad);
  const y = (v: number) => h - pad - ((v - v0) / (v1 - v0 || 1)) * (h - 2 * pad);
  const line = points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const fmt = (v: number) => v.toLocaleString('en', { maximumFractionDigits: 2, notation: 'compact' });
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
      <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} class="axis" />
      <line x1={pad} y1={pad} x2={pad} y2={h - pad} class="axis" />
      <polyline points={line} class="series" />
      {points.map((p) => (
        <circle key={p.t} cx={x(p.t)} cy={y(p.v)} r={2.5} class="dot">
          <title>{`${new Date(p.t).toISOString().slice(0, 10)}: ${p.v}`}</title>
        </circle>
      ))}
      <text x={pad} y={pad - 8}>
        {fmt(v1)}
      </text>
      <text x={pad} y={h - 8}>
        {new Date(t0).getUTCFullYear()}
      </text>
      <text x={w - pad} y={h - 8} text-anchor="end">
        {new Date(t1).getUTCFullYear()}
      </text>
    </svg>
  );
}
