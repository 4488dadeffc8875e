import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database.js';
import { replaceSecurityGroupMembers } from './security-groups.js';
import { writeMembers } from './write-changes.js';

const ORG = '11111111-1111-4111-8111-111111111111';
const GROUP = '22222222-2222-4222-8222-222222222222';
const member = (n: number) => `33333333-3333-4333-8333-${String(n).padStart(12, '0')}`;

describe('writeMembers', () => {
  it('writes only who joined and who left, and counts each member once', () => {
    const g = openDatabase(':memory:');
    replaceSecurityGroupMembers(g, ORG, GROUP, [member(1), member(2), member(3)]);
    const stored = () =>
      g.sqlite
        .prepare('SELECT entity_id FROM security_group_members ORDER BY entity_id')
        .pluck()
        .all() as string[];
    const write = (members: string[]) => g.sqlite.transaction(() => writeMembers(g, ORG, GROUP, members))();

    expect(write([member(2), member(3), member(4), member(4), member(5)])).toEqual({
      before: 3,
      added: 2,
      removed: 1,
    });
    expect(stored()).toEqual([member(2), member(3), member(4), member(5)]);
    expect(write([member(5), member(2), member(3), member(4)])).toEqual({ before: 4, added: 0, removed: 0 });
    expect(write([])).toEqual({ before: 4, added: 0, removed: 4 });
    expect(stored()).toEqual([]);
    g.close();
  });
});
