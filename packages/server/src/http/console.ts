// The web console's static files at /console/ on the coordinator listener (docs/CONSOLE.md).
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.js';
import { STATIC_ROUTE } from './observe.js';
import { routeUrl } from './urls.js';

/** Where the console is mounted on the coordinator listener. */
export const CONSOLE_PATH = '/console';

/** What the console needs to find the three APIs: their ports, known once they listen. */
export interface ConsoleSite {
  /** Directory of the built console (`@bbk/console`'s `dist/`); undefined when that package is not installed. */
  dir: string | undefined;
  basePath: string;
  mode: 'production' | 'development';
  /** Ports of the contributor and consumer listeners (the browser reaches them on the coordinator's host). */
  ports: () => { contributor: number; consumer: number };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const MISSING = `<!doctype html><meta charset="utf-8"><title>bbk console not built</title>
<h1>The bbk console is not built</h1>
<p>Its files were not found. In the bbk workspace, build it (<code>pnpm build</code>, or only the console:
<code>pnpm --filter @bbk/console build</code>), then reload this page. A server installed without the optional
<code>@bbk/console</code> package has no console. The APIs work without it.</p>`;

/**
 * The built console's directory from the optional `@bbk/console` package, or undefined when it is not installed
 * (a server vendored into a connector project, for one).
 */
export async function findConsole(): Promise<string | undefined> {
  try {
    return (await import('@bbk/console')).consoleDist;
  } catch {
    return undefined;
  }
}

/** Every file under `dir` (relative paths with `/`), read once: the console is small and never changes at run time. */
async function loadFiles(dir: string | undefined): Promise<Map<string, Buffer> | undefined> {
  if (dir === undefined) return undefined;
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return undefined;
  }
  const files = new Map<string, Buffer>();
  for (const file of entries) files.set(relative(dir, file).split(sep).join('/'), await readFile(file));
  return files.has('index.html') ? files : undefined;
}

/** The three base URLs as the browser reaches them: the coordinator's host name, each listener's port. */
function siteConfig(req: FastifyRequest, site: ConsoleSite) {
  const coordinator = routeUrl(req, site.basePath);
  const at = (port: number) => {
    const u = new URL(coordinator);
    u.port = String(port);
    return u.toString().replace(/\/$/, '');
  };
  const ports = site.ports();
  return {
    coordinator: coordinator.replace(/\/$/, ''),
    contributor: at(ports.contributor),
    consumer: at(ports.consumer),
    mode: site.mode,
  };
}

/**
 * The console page's Content-Security-Policy: its own scripts, styles and images (Leaflet sets inline styles, its
 * icons are data URLs), connections to the three APIs only, no plugins, never inside a frame.
 */
function pagePolicy(config: ReturnType<typeof siteConfig>): string {
  const origins = [...new Set([config.coordinator, config.contributor, config.consumer].map((u) => new URL(u).origin))];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${origins.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves the console: `GET /console/config.json` (the three API URLs and the mode), the built files
 * (hashed assets cached for a year, the page itself revalidated), and `index.html` for `/console/`.
 * No token is needed (the console sends tokens to the APIs); paths are looked up in the map of built
 * files, so nothing outside it can be reached. Without a build, a 503 page says how to make one.
 */
export async function consoleRoutes(app: FastifyInstance, site: ConsoleSite): Promise<void> {
  const files = await loadFiles(site.dir);
  const page = async (req: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
    // `/console` and `/console/` share a route (trailing slashes are optional): the page's relative
    // asset URLs need the slash
    if (req.url.split('?')[0] === CONSOLE_PATH) return reply.redirect(`${CONSOLE_PATH}/`);
    if (!files) return reply.code(503).type('text/html; charset=utf-8').send(MISSING);
    const name = req.params['*'] || 'index.html';
    const body = files.get(name);
    if (!body) return reply.code(404).send(errorBody(404));
    reply
      .type(TYPES[extname(name)] ?? 'application/octet-stream')
      .header('cache-control', name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff');
    if (name.endsWith('.html')) {
      // the page holds a coordinator's token: never framed by another site, scripts and connections only its own
      reply
        .header('content-security-policy', pagePolicy(siteConfig(req, site)))
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer');
    }
    return reply.send(body);
  };
  app.get(`${CONSOLE_PATH}/config.json`, { config: STATIC_ROUTE }, async (req, reply) =>
    reply.header('cache-control', 'no-store').send(siteConfig(req, site)),
  );
  app.get(CONSOLE_PATH, { config: STATIC_ROUTE }, page);
  app.get(`${CONSOLE_PATH}/*`, { config: STATIC_ROUTE }, page);
}
