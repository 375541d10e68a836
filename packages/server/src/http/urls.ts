import type { FastifyRequest } from 'fastify';

function proto(req: FastifyRequest): string {
  const h = req.headers['x-forwarded-scheme'] ?? req.headers['x-forwarded-proto'];
  const v = Array.isArray(h) ? h[0] : h;
  return v ? v.split(',')[0]!.trim() : 'http';
}

function host(req: FastifyRequest): string {
  return req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
}

/** `{proto}://{Host}/{base}` (spec §1.2). */
export function routeUrl(req: FastifyRequest, basePath: string): string {
  return basePath ? `${proto(req)}://${host(req)}/${basePath}` : `${proto(req)}://${host(req)}`;
}

/** `{proto}://{Host}{path}` with one trailing slash removed and no query string (spec §8: no query in Location). */
export function resourceUrl(req: FastifyRequest): string {
  let path = req.url;
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return `${proto(req)}://${host(req)}${path}`;
}
