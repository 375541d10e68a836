import { fileURLToPath } from 'node:url';

/** The `bbk connector init` project templates shipped with this package (`templates/`). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));
