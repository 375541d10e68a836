import { lazy, Suspense } from 'preact/compat';
import { ConnectorsScreen } from '../screens/connectors/view.js';
import { EntityTypesScreen } from '../screens/entity-types/view.js';
import { ExplorerScreen } from '../screens/explorer/view.js';
import { PoliciesScreen } from '../screens/policies/view.js';
import { SignInScreen } from '../screens/sign-in/view.js';
import { UsersScreen } from '../screens/users/view.js';
import { route } from './router.js';
import { type Session, session, signOut } from './session.js';
import type { Site } from './site.js';

// The map (leaflet, the world outline, clustering) is loaded only when its screen opens.
const MapScreen = lazy(() => import('../screens/map/view.js').then((m) => m.MapScreen));

const ADMIN = [
  ['/users', 'Users'],
  ['/entity-types', 'Entity types'],
  ['/connectors', 'Connectors'],
  ['/policies', 'Policies'],
] as const;
const CONSUMER = [
  ['/explore', 'Explorer'],
  ['/map', 'Map'],
] as const;

/** Screen props: where the APIs are and who is signed in. */
export interface ScreenProps {
  site: Site;
  session: Session;
}

function Screen(props: ScreenProps & { path: string }) {
  const { path, ...rest } = props;
  if (props.session.role === 'coordinator') {
    if (path.startsWith('/entity-types')) return <EntityTypesScreen {...rest} />;
    if (path.startsWith('/connectors')) return <ConnectorsScreen {...rest} />;
    if (path.startsWith('/policies')) return <PoliciesScreen {...rest} />;
    return <UsersScreen {...rest} />;
  }
  if (path.startsWith('/map'))
    return (
      <Suspense fallback={<p class="muted">Loading the map…</p>}>
        <MapScreen {...rest} />
      </Suspense>
    );
  return <ExplorerScreen {...rest} />;
}

/** The console: sign-in, or the screens of the signed-in role with a navigation bar. */
export function App(props: { site: Site }) {
  const s = session.value;
  const { path } = route.value;
  if (!s) return <SignInScreen site={props.site} />;
  const links = s.role === 'coordinator' ? ADMIN : CONSUMER;
  return (
    <div class="shell">
      <header>
        <span class="brand">bbk console</span>
        <nav>
          {links.map(([href, label]) => (
            <a key={href} href={`#${href}`} class={path.startsWith(href) ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          {s.role === 'coordinator' ? 'Coordinator' : s.policy ? `Consumer of “${s.policy}”` : 'Consumer'}
          {props.site.mode === 'development' ? ' · development mode' : ''}
        </span>
        <button type="button" class="quiet" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Screen site={props.site} session={s} path={path} />
      </main>
    </div>
  );
}
