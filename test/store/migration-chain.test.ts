import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/store/database.js';

const read = (file: string) => JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', file), 'utf8'));

// drizzle's migrator applies only entries later than the last one applied: an entry whose `when` is not
// greater than the one before it is skipped on every database that already has the earlier one.
describe('the migrations shipped', () => {
  it("form one chain: each journal entry later than the one before, each snapshot's prevId the previous id", () => {
    const entries = read('_journal.json').entries as { idx: number; when: number; tag: string }[];
    entries.forEach((entry, i) => {
      expect(entry.idx).toBe(i);
      if (i > 0) expect(entry.when, entry.tag).toBeGreaterThan((entries[i - 1] as { when: number }).when);
      const snapshot = read(`${entry.tag.slice(0, 4)}_snapshot.json`) as { id: string; prevId: string };
      if (i > 0) {
        const previous = read(`${String(i - 1).padStart(4, '0')}_snapshot.json`) as { id: string };
        expect(snapshot.prevId, entry.tag).toBe(previous.id);
      }
    });
  });
});
