// The audit trail of guards and violations (docs/AUDIT.md): a coordinator's guard change, a suspension made by a
// detector's flag (by the system) and a dismissed flag are each an entry, committed with the change.
import type { AuditEntry } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv } from './consumer-setup.js';
import { call } from './harness.js';

let env: ConsumerEnv;
const entries = async (query = {}): Promise<AuditEntry[]> => env.coord.audit.list({ limit: 1000, ...query });
const summary = (list: AuditEntry[]) => list.map((e) => `${e.actor} ${e.action} ${e.target}`);

beforeAll(async () => {
  env = await consumerEnv({ mode: 'production' });
  await env.entityType('thing');
  const connector = await env.connector('thing', 'acme');
  await env.upsert(connector, [{ id: 'a', name: 'A', entity: {} }]);
  await env.policy('open', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 1 } });
});
afterAll(async () => {
  await env.close();
});

describe('guards and violations', () => {
  it('records a guard change by the coordinator, a suspension by a detector and a dismissal', async () => {
    const { id } = await env.coord.users.create({ name: 'Dan', email: 'dan@example.com', organization: 'Z' });
    const token = await env.coord.accesses.grant(id, 'open');
    const coordinator = (path: string, init: Parameters<typeof call>[1] = {}) =>
      call(`${env.server.urls.coordinator}${path}`, { token: env.server.adminToken, ...init });
    const guard = `/user/${id}/access/open/guard`;
    expect((await coordinator(guard, { method: 'PUT', body: { auto_suspend: true } })).status).toBe(204);
    // the same again changes nothing, and records nothing
    expect((await coordinator(guard, { method: 'PUT', body: { auto_suspend: true } })).status).toBe(204);
    // rate 1 a second: the 21st refusal in a minute raises the rate-limit flag, which suspends the access
    for (let i = 0; i < 25; i++) await call(`${env.base}/entity`, { token });
    const flags = (await coordinator(`/violations?user=${id}`)).json as { id: number; detector: string }[];
    expect(flags.map((f) => f.detector)).toContain('rate-limit');
    const flag = flags.find((f) => f.detector === 'rate-limit')!;
    expect((await coordinator(`/violations/${flag.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await coordinator(guard, { method: 'PUT', body: { suspended: false } })).status).toBe(204);
    const target = `access:${id}/open`;
    const list = await entries({ target });
    expect(summary(list).filter((line) => !line.includes('consumer.activity'))).toEqual([
      `coordinator:1 access.create ${target}`,
      `coordinator:1 token.issue ${target}`,
      `coordinator:1 access.guard ${target}`,
      `system access.suspend ${target}`,
      `coordinator:1 violation.dismiss ${target}`,
      `coordinator:1 access.guard ${target}`,
    ]);
    const byAction = (action: string) => list.filter((e) => e.action === action);
    expect(byAction('access.guard')[0]!.detail).toEqual({
      before: { auto_suspend: false, suspended: null, reason: null },
      after: { auto_suspend: true, suspended: null, reason: null },
    });
    expect(byAction('access.suspend')[0]!.detail).toEqual({ detector: 'rate-limit', automatic: true });
    expect(byAction('violation.dismiss')[0]!.detail).toEqual({ violation: flag.id, detector: 'rate-limit' });
    expect(byAction('access.guard')[1]!.detail).toMatchObject({
      before: { auto_suspend: true, reason: 'rate-limit' },
      after: { auto_suspend: true, suspended: null, reason: null },
    });
    await env.coord.accesses.revoke(id, 'open');
    const deleted = (await entries({ action: 'access.delete', target })).at(-1)!;
    expect(deleted.detail).toMatchObject({ user: id, policy: 'open' });
  });
});
