import type BetterSqlite3 from 'better-sqlite3';

/** store_marks' name for the seq up to which events are in event_ids (the trace reads it too). */
export const EVENT_IDS_THROUGH = 'event_ids_through';

/**
 * Which event Ids the store holds, for exact de-duplication. A unique index on events.id took one random
 * key per event, and each commit rewrote every index page it touched into the WAL: measured on 56,000
 * events in commits of 200, 4.8 file writes per event against 1.2 with this index. So recent Ids wait in a
 * temporary table of this connection (never written to the WAL) and reach event_ids in runs, in Id
 * order, which touch each index page once per run.
 *
 * The temporary table, not a JS Map: Ids held for a second outlive V8's young generation, and a Map of
 * them filled the store thread's old generation with garbage that no major GC came to collect (+40 MiB
 * of RSS in a 1,000,000-event backlog). It also rolls back with the writer's savepoints, so an event
 * that was not recorded never leaves its Id behind.
 *
 * Always exact: an Id is in recent_event_ids or in event_ids (or both, after a run cut short). The mark
 * store_marks.event_ids_through says which events a finished run covered; at start the later ones are
 * read back from `events`, so a crash costs a re-read, never a missed duplicate.
 */
export class EventIdIndex {
  private readonly findRecent: BetterSqlite3.Statement;
  private readonly findIndexed: BetterSqlite3.Statement;
  private readonly insertRecent: BetterSqlite3.Statement;
  private readonly lastSeq: BetterSqlite3.Statement;
  private readonly nextChunk: BetterSqlite3.Statement;
  private readonly insertIndexed: BetterSqlite3.Statement;
  private readonly setThrough: BetterSqlite3.Statement;
  private readonly dropThrough: BetterSqlite3.Statement;
  private readonly writeChunk: (after: string, through: number, keys: number) => string | null;
  /** Events up to this seq are in event_ids. */
  private through: number;

  constructor(sqlite: BetterSqlite3.Database) {
    sqlite.exec(`CREATE TEMP TABLE IF NOT EXISTS recent_event_ids (
      id TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID`);
    this.through = (sqlite
      .prepare('SELECT value FROM store_marks WHERE name = ?')
      .pluck()
      .get(EVENT_IDS_THROUGH) ?? 0) as number;
    sqlite
      .prepare(
        'INSERT OR IGNORE INTO temp.recent_event_ids (id, seq) SELECT id, seq FROM main.events WHERE seq > ?',
      )
      .run(this.through);
    this.findRecent = sqlite.prepare('SELECT seq FROM temp.recent_event_ids WHERE id = ?').pluck();
    this.findIndexed = sqlite.prepare('SELECT seq FROM main.event_ids WHERE id = ?').pluck();
    this.insertRecent = sqlite.prepare('INSERT INTO temp.recent_event_ids (id, seq) VALUES (?, ?)');
    this.lastSeq = sqlite.prepare('SELECT coalesce(max(seq), 0) FROM main.events').pluck();
    this.nextChunk = sqlite
      .prepare('SELECT id, seq FROM temp.recent_event_ids WHERE id > ? AND seq <= ? ORDER BY id LIMIT ?')
      .raw();
    // OR IGNORE: a run cut short by a crash is run again over the Ids it had already written.
    this.insertIndexed = sqlite.prepare('INSERT OR IGNORE INTO main.event_ids (id, seq) VALUES (?, ?)');
    this.setThrough = sqlite.prepare(
      'INSERT INTO store_marks (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.dropThrough = sqlite.prepare('DELETE FROM temp.recent_event_ids WHERE seq <= ?');
    this.writeChunk = sqlite.transaction((after: string, through: number, keys: number) => {
      // One row more than written says whether this chunk is the run's last.
      const rows = this.nextChunk.all(after, through, keys + 1) as [string, number][];
      const chunk = rows.slice(0, keys);
      for (const [id, seq] of chunk) this.insertIndexed.run(id, seq);
      if (rows.length > keys) return (chunk[chunk.length - 1] as [string, number])[0];
      this.setThrough.run(EVENT_IDS_THROUGH, through);
      this.dropThrough.run(through);
      return null;
    });
  }

  /** The seq of the event with this (lower-cased) Id, if the store has one. */
  seqOf(id: string): number | undefined {
    return (this.findRecent.get(id) ?? this.findIndexed.get(id)) as number | undefined;
  }

  /** Records an event being inserted, inside the writer's transaction: a rollback takes it back too. */
  add(id: string, seq: number): void {
    this.insertRecent.run(id, seq);
  }

  /** The seq of the last event recorded. */
  get lastRecorded(): number {
    return this.lastSeq.get() as number;
  }

  /** Events recorded after the last finished run (their Ids are not in event_ids yet). */
  get unindexed(): number {
    return this.lastRecorded - this.through;
  }

  /**
   * A run over every Id recorded so far, in steps of one transaction each, to be taken with other work
   * between them; Ids recorded meanwhile wait for the next run. Null when there is nothing to do.
   */
  startRun(): IndexRun | null {
    const through = this.lastRecorded;
    if (through <= this.through) return null;
    // Ids are ASCII, and "" sorts before all of them.
    let after: string | null = '';
    return {
      step: (keys) => {
        if (after === null) return true;
        after = this.writeChunk(after, through, keys);
        if (after !== null) return false;
        this.through = through;
        return true;
      },
    };
  }
}

export interface IndexRun {
  /** Writes the next `keys` Ids (in Id order) in one transaction; true once the run is finished. */
  step(keys: number): boolean;
}
