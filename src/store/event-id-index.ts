import type BetterSqlite3 from 'better-sqlite3';

const THROUGH = 'event_ids_through';

/**
 * Which event Ids the store holds, for exact de-duplication. A unique index on events.id took one random
 * key per event, and each commit rewrote every index page it touched into the WAL: measured on 56,000
 * events in commits of 200, 4.8 file writes per event against 1.0 without it. So recent Ids live in
 * memory and reach the event_ids table in runs, sorted, which touch each index page once per run.
 *
 * Always exact: an Id is either in `recent` or in event_ids (or both, after a run cut short). The table
 * store_marks.event_ids_through says which events a finished run covered; at start the later ones are
 * read back from `events` into `recent`, so a crash costs a re-read, never a missed duplicate.
 */
export class EventIdIndex {
  /** Ids of events after the last finished run, in seq order (insertion order of the Map). */
  private readonly recent = new Map<string, number>();
  private readonly findIndexed: BetterSqlite3.Statement;
  private readonly insertIndexed: BetterSqlite3.Statement;
  private readonly setThrough: BetterSqlite3.Statement;
  private readonly writeChunk: (
    chunk: readonly (readonly [string, number])[],
    through: number | null,
  ) => void;

  constructor(sqlite: BetterSqlite3.Database) {
    this.findIndexed = sqlite.prepare('SELECT seq FROM event_ids WHERE id = ?').pluck();
    // OR IGNORE: a run cut short by a crash is run again over the Ids it had already written.
    this.insertIndexed = sqlite.prepare('INSERT OR IGNORE INTO event_ids (id, seq) VALUES (?, ?)');
    this.setThrough = sqlite.prepare(
      'INSERT INTO store_marks (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.writeChunk = sqlite.transaction((chunk, through) => {
      for (const [id, seq] of chunk) this.insertIndexed.run(id, seq);
      if (through !== null) this.setThrough.run(THROUGH, through);
    });
    const tail = sqlite
      .prepare(
        `SELECT id, seq FROM events
          WHERE seq > coalesce((SELECT value FROM store_marks WHERE name = ?), 0) ORDER BY seq`,
      )
      .raw()
      .iterate(THROUGH) as Iterable<[string, number]>;
    for (const [id, seq] of tail) this.recent.set(id, seq);
  }

  /** The seq of the event with this (lower-cased) Id, if the store has one. */
  seqOf(id: string): number | undefined {
    return this.recent.get(id) ?? (this.findIndexed.get(id) as number | undefined);
  }

  /** Records an event the writer is inserting; its transaction must forget() it if it rolls back. */
  add(id: string, seq: number): void {
    this.recent.set(id, seq);
  }

  forget(id: string): void {
    this.recent.delete(id);
  }

  /** Ids not yet in event_ids. */
  get unindexed(): number {
    return this.recent.size;
  }

  /**
   * A run over every Id recorded so far, in steps of one transaction each, to be taken with other work
   * between them; Ids recorded meanwhile wait for the next run. Null when there is nothing to do.
   */
  startRun(): IndexRun | null {
    if (this.recent.size === 0) return null;
    let through = 0;
    for (const seq of this.recent.values()) through = Math.max(through, seq);
    // The default sort compares UTF-16 units, which for these ASCII Ids is SQLite's BINARY order.
    const entries = [...this.recent.keys()].sort().map((id) => [id, this.recent.get(id) as number] as const);
    let next = 0;
    return {
      step: (keys) => {
        const chunk = entries.slice(next, next + keys);
        next += keys;
        const last = next >= entries.length;
        this.writeChunk(chunk, last ? through : null);
        if (!last) return false;
        for (const [id, seq] of entries) if (this.recent.get(id) === seq) this.recent.delete(id);
        return true;
      },
    };
  }
}

export interface IndexRun {
  /** Writes the next `keys` Ids (in Id order) in one transaction; true once the run is finished. */
  step(keys: number): boolean;
}
