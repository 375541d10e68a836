/** What the server tells the console about itself (`/console/config.json`). */
export interface Site {
  /** Base URLs of the three APIs as this browser reaches them, e.g. `http://localhost:8001/v1`. */
  coordinator: string;
  contributor: string;
  consumer: string;
  mode: 'production' | 'development';
}

/** Reads `config.json` next to the page. */
export async function loadSite(): Promise<Site> {
  const res = await fetch(new URL('config.json', document.baseURI));
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  return (await res.json()) as Site;
}
