import { BbkApiError, BbkNetworkError } from '@bbk/sdk/browser';
import { describe, expect, it } from 'vitest';
import { formErrors, reasonsFor, unclaimed } from './errors.js';

const validation = (items: { name: string; index: number | null; reason: string }[]) =>
  new BbkApiError({
    status: 400,
    body: { error: { code: 400, status: 'Bad Request', message: items } },
    headers: {},
    method: 'POST',
    url: 'http://x/v1/entity/a',
  });

describe('formErrors', () => {
  it('puts each validation item on the field it names, with its index', () => {
    const e = formErrors(
      validation([
        { name: 'name', index: null, reason: 'does not meet minimum length of 1' },
        { name: 'tags', index: 2, reason: 'contains duplicate item' },
        { name: 'timeseries.population.period', index: null, reason: 'does not match pattern' },
      ]),
    );
    expect(e.message).toBeNull();
    expect(reasonsFor(e, 'name')).toEqual(['does not meet minimum length of 1']);
    expect(reasonsFor(e, 'tags')).toEqual(['[2]: contains duplicate item']);
    expect(reasonsFor(e, 'timeseries')).toEqual(['population.period: does not match pattern']);
    expect(unclaimed(e, ['name', 'timeseries'])).toEqual(['tags[2]: contains duplicate item']);
  });

  it('turns other answers and network failures into one message', () => {
    const conflict = new BbkApiError({ status: 409, body: '', headers: {}, method: 'POST', url: 'http://x/v1/user' });
    expect(formErrors(conflict)).toEqual({ fields: {}, message: 'That already exists, or is already so (409).' });
    const down = new BbkNetworkError('network', { method: 'GET', url: 'http://x/v1' });
    expect(formErrors(down).message).toBe('The server cannot be reached (network).');
  });
});
