import { useEffect, useState } from 'preact/hooks';
import { consumerClient, coordinatorClient } from '../../app/clients.js';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { go } from '../../app/router.js';
import { type Session, signIn } from '../../app/session.js';
import type { Site } from '../../app/site.js';
import { Field, FormProblems } from '../../ui/form.js';

/**
 * Sign in with a coordinator token (administration) or a consumer token (explorer). In development mode
 * the APIs take no token: a consumer picks the policy by its slug instead.
 */
export function SignInScreen(props: { site: Site }) {
  const dev = props.site.mode === 'development';
  const [role, setRole] = useState<Session['role']>('coordinator');
  const [token, setToken] = useState('');
  const [policy, setPolicy] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const policies = useDevPolicies(props.site);
  const submit = async (e: Event) => {
    e.preventDefault();
    const s: Session = {
      role,
      ...(token.trim() ? { token: token.trim() } : {}),
      ...(dev && role === 'consumer' && policy.trim() ? { policy: policy.trim().toLowerCase() } : {}),
    };
    setBusy(true);
    try {
      // the token is checked by the API it opens (each answers 401/403 to a wrong one)
      if (role === 'coordinator') await coordinatorClient(props.site, s).users.list();
      else await consumerClient(props.site, s).entityTypes({ limit: 1 });
      signIn(s);
      go(role === 'coordinator' ? '/users' : '/explore');
    } catch (error) {
      setErrors(formErrors(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="sign-in">
      <h1>bbk console</h1>
      <p class="muted">
        Administration for coordinators, the data explorer and map for consumers.
        {dev ? ' This server is in development mode: no token is needed.' : ''}
      </p>
      <form onSubmit={submit}>
        <RoleChoice role={role} setRole={setRole} />
        {dev && role === 'consumer' ? (
          <Field label="Policy (slug)" name="policy" errors={errors} hint="development mode: the policy to read under">
            {policies.length ? (
              <select name="policy" value={policy} onChange={(e) => setPolicy(e.currentTarget.value)} required>
                <option value="">Choose a policy…</option>
                {policies.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.id})
                  </option>
                ))}
              </select>
            ) : (
              <input name="policy" value={policy} onInput={(e) => setPolicy(e.currentTarget.value)} required />
            )}
          </Field>
        ) : null}
        {!dev ? (
          <Field label="Token" name="token" errors={errors} hint="kept in this tab's session storage only">
            <input
              name="token"
              type="password"
              autoComplete="off"
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
              required
            />
          </Field>
        ) : null}
        <FormProblems errors={errors} fields={['policy', 'token']} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </div>
  );
}

/** Development mode: the Coordinator API is open, so the policies can be offered by name. */
function useDevPolicies(site: Site): { id: string; name: string }[] {
  const [policies, setPolicies] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    if (site.mode !== 'development') return;
    coordinatorClient(site, { role: 'coordinator' })
      .policies.list()
      .then(setPolicies, () => setPolicies([]));
  }, [site]);
  return policies;
}

/**
 * Coordinator or consumer: two toggle buttons (each a Tab stop, Space or Enter picks it), so the choice needs
 * no arrow keys as a radio group would.
 */
function RoleChoice(props: { role: Session['role']; setRole: (r: Session['role']) => void }) {
  return (
    <fieldset class="row role-choice">
      <legend>Sign in as</legend>
      {(['coordinator', 'consumer'] as const).map((r) => (
        <button
          key={r}
          type="button"
          class={props.role === r ? 'toggle on' : 'toggle'}
          aria-pressed={props.role === r}
          onClick={() => props.setRole(r)}
        >
          {r === 'coordinator' ? 'Coordinator' : 'Consumer'}
        </button>
      ))}
    </fieldset>
  );
}
