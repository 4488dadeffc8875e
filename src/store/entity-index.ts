import type BetterSqlite3 from 'better-sqlite3';

/** store_marks' name for the highest event seq whose entity row is in event_entities (or that is gone). */
export const ENTITY_INDEX_MARK = 'entity_index_seq';

/** Events a round takes at most: enough that a page of event_entities takes many of a round's rows. */
export const ROUND_ROWS = 16_384;
/** Rows one step reads or writes: each step is one short transaction, between the thread's other work. */
const STEP_ROWS = 2_048;
/** Events not yet indexed are indexed this long after they arrive, however few: the unindexed tail stays short. */
const TAIL_AGE_MS = 1_000;

interface EventKey {
  seq: number;
  organizationId: string;
  entityId: string;
}

/** Key order: a step's rows then land on neighbouring pages of event_entities. */
const byKey = (a: EventKey, b: EventKey) =>
  a.organizationId < b.organizationId
    ? -1
    : a.organizationId > b.organizationId
      ? 1
      : a.entityId < b.entityId
        ? -1
        : a.entityId > b.entityId
          ? 1
          : a.seq - b.seq;

/**
 * Fills event_entities behind the event writes (see store/schema/event-entities.ts for why), a round at a
 * time: read the keys of the next events after the mark, sort them by key, insert them in steps, and move
 * the mark with the last step. A round cut short (a crash, a full disk) leaves the mark where it was and
 * is done again; rows already in are ignored. Each insert reads its row from events, so an event pruned
 * meanwhile is not indexed again.
 */
export class EntityIndex {
  private readonly markOf: BetterSqlite3.Statement;
  private readonly setMark: BetterSqlite3.Statement;
  private readonly lastSeq: BetterSqlite3.Statement;
  private readonly keysAfter: BetterSqlite3.Statement;
  private readonly insert: BetterSqlite3.Statement;
  private readonly writeStep: (keys: readonly EventKey[], mark: number | null) => void;
  private round: { keys: EventKey[]; readUpTo: number; written: number; reading: boolean } | null = null;

  constructor(sqlite: BetterSqlite3.Database) {
    this.markOf = sqlite.prepare('SELECT value FROM store_marks WHERE name = ?').pluck();
    this.setMark = sqlite.prepare(
      `INSERT INTO store_marks (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
    );
    this.lastSeq = sqlite.prepare('SELECT max(seq) FROM events').pluck();
    this.keysAfter = sqlite.prepare(
      `SELECT seq, organization_id AS organizationId, entity_id AS entityId FROM events
        WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    this.insert = sqlite.prepare(
      `INSERT OR IGNORE INTO event_entities (organization_id, entity_id, accepted_at, seq)
       SELECT organization_id, entity_id, accepted_at, seq FROM events WHERE seq = ?`,
    );
    this.writeStep = sqlite.transaction((keys: readonly EventKey[], mark: number | null) => {
      for (const key of keys) this.insert.run(key.seq);
      if (mark !== null) this.setMark.run(ENTITY_INDEX_MARK, mark);
    });
  }

  /** Every event up to this seq is in event_entities (or was pruned). */
  mark(): number {
    return (this.markOf.get(ENTITY_INDEX_MARK) as number | undefined) ?? 0;
  }

  /** Events accepted after the mark. */
  tail(): number {
    const last = (this.lastSeq.get() as number | null) ?? 0;
    return Math.max(0, last - (this.round?.readUpTo ?? this.mark()));
  }

  /** Whether a round is under way. */
  get busy(): boolean {
    return this.round !== null;
  }

  /** One step of the current round (starting one when none is): true when the round is done. */
  step(): boolean {
    if (this.round === null) {
      const mark = this.mark();
      this.round = { keys: [], readUpTo: mark, written: 0, reading: true };
    }
    const round = this.round;
    if (round.reading) {
      const room = Math.min(STEP_ROWS, ROUND_ROWS - round.keys.length);
      const keys = this.keysAfter.all(round.readUpTo, room) as EventKey[];
      for (const key of keys) round.keys.push(key);
      if (keys.length > 0) round.readUpTo = (keys[keys.length - 1] as EventKey).seq;
      if (keys.length < room || round.keys.length >= ROUND_ROWS) {
        round.reading = false;
        round.keys.sort(byKey);
      }
      if (round.reading || round.keys.length > 0) return false;
    }
    const slice = round.keys.slice(round.written, round.written + STEP_ROWS);
    const last = round.written + slice.length >= round.keys.length;
    try {
      this.writeStep(slice, last ? round.readUpTo : null);
    } catch (error) {
      this.round = null;
      throw error;
    }
    round.written += slice.length;
    if (last) this.round = null;
    return last;
  }

  /** Indexes every event accepted so far, in rounds (a store seeded directly; tests). */
  catchUp(): void {
    while (this.tail() > 0 || this.busy) this.step();
  }
}

/**
 * Runs the entity index's rounds in the store thread, one step per turn of its event loop (setImmediate),
 * so commits of events, claims and outcomes go on between steps. A round starts once a round's worth of
 * events waits, or TAIL_AGE_MS after the first event that waits. A step that fails (a full disk) ends the
 * round; the next commit or tick tries again.
 */
export class EntityIndexRunner {
  private timer: NodeJS.Timeout | null = null;
  private stepping = false;
  private stopped = false;

  constructor(
    private readonly index: EntityIndex,
    /** Wraps each step (the store service commits them without waiting for the disk). */
    private readonly transaction: <T>(step: () => T) => T,
  ) {}

  /** Events were committed. */
  poke(): void {
    if (this.stopped || this.stepping) return;
    if (this.index.tail() >= ROUND_ROWS) this.run();
    else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.stepping && this.index.tail() > 0) this.run();
      }, TAIL_AGE_MS);
      this.timer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.stepping = true;
    const next = () => {
      if (this.stopped) return;
      let done: boolean;
      try {
        done = this.transaction(() => this.index.step());
      } catch {
        done = true;
      }
      if (!done) {
        setImmediate(next);
        return;
      }
      this.stepping = false;
      // Events that arrived during the round wait for the next one.
      this.poke();
    };
    setImmediate(next);
  }
}
