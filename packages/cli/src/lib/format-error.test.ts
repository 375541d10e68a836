import { BbkApiError } from '@bbk/sdk';
import { describe, expect, it } from 'vitest';
import { formatError, itemName } from './format-error.js';

describe('itemName', () => {
  it('puts the first index back after the array it counts in, or says it apart', () => {
    expect(itemName({ name: 'records.entity.area', index: 3, reason: '' })).toBe('records[3].entity.area');
    expect(itemName({ name: 'policy.legal_context.type', index: 0, reason: '' })).toBe('policy.legal_context[0].type');
    expect(itemName({ name: 'policy.data_segment.field_masks', index: 2, reason: '' })).toBe(
      'policy.data_segment.field_masks[2]',
    );
    expect(itemName({ name: 'tags', index: 1, reason: '' })).toBe('tags[1]');
    expect(itemName({ name: 'schema.oddity', index: 4, reason: '' })).toBe('schema.oddity (item 4)');
    expect(itemName({ name: 'name', index: null, reason: '' })).toBe('name');
  });
});

describe('formatError hints', () => {
  it('says an expired token expired, rather than that it is missing or invalid', () => {
    const expired = new BbkApiError({
      status: 401,
      body: { error: { code: 401, status: 'Unauthorized', message: 'token expired' } },
    });
    expect(formatError(expired).lines.join('\n')).toContain('The token expired');
    const missing = new BbkApiError({
      status: 401,
      body: { error: { code: 401, status: 'Unauthorized', message: '' } },
    });
    expect(formatError(missing).lines.join('\n')).toContain('missing, invalid or for another API');
  });
});
