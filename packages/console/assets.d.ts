/** Absolute path of the console's built assets (`index.html`, `assets/…`); may not exist before `vite build`. */
export declare const consoleDist: string;
