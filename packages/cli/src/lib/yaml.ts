/**
 * YAML's `parse` and `stringify`, for `await import('./yaml.js')`: the YAML package is CommonJS, and a dynamic
 * `import('yaml')` of it gets only a default export in the bundled CLI (scripts/build-cli.mjs refuses to build one);
 * a static import, as here, gets its named exports both bundled and unbundled.
 * @example const { stringify } = await import('./yaml.js');
 */
export { parse, stringify } from 'yaml';
