import { render } from 'preact';
import { App } from './app/app.js';
import { takeFragmentCredentials } from './app/session.js';
import { loadSite } from './app/site.js';
import './styles.css';

// Credentials in the URL fragment (from `bbk demo`) go to session storage first, and leave the address bar.
takeFragmentCredentials();
addEventListener('hashchange', takeFragmentCredentials);
const root = document.getElementById('app') as HTMLElement;
loadSite().then(
  (site) => render(<App site={site} />, root),
  (error: unknown) => {
    root.textContent = `The console cannot read its configuration (config.json): ${String(error)}`;
  },
);
