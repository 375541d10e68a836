// Where the built console lives, for the server (`@bbk/console`): `dist/` next to this file.
import { fileURLToPath } from 'node:url';

/** Absolute path of the console's built assets (`index.html`, `assets/…`); may not exist before `vite build`. */
export const consoleDist = fileURLToPath(new URL('./dist/', import.meta.url));
