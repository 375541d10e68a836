import { describe, expect, it } from 'vitest';
import type { StationRecord } from '../src/entity-type.js';
import { readRecords } from '../src/source.js';

describe('source', () => {
  it('reads the sample records, each with a unique id and its private contact', async () => {
    const records: StationRecord[] = [];
    for await (const record of readRecords()) records.push(record);
    expect(records).toHaveLength(5);
    expect(new Set(records.map((r) => r.id)).size).toBe(5);
    expect(records.every((r) => typeof r._contact === 'string')).toBe(true);
    expect(records[0]?.entity.location.type).toBe('Point');
  });
});
