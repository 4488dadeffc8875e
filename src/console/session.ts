import { randomBytes, timingSafeEqual } from 'node:crypto';

/** What the console knows of a signed-in user: the API's answer to "who am I", and the token it sends. */
export interface Identity {
  name: string;
  role: string;
  /** The organizations the token is confined to, or null for every one. */
  organizations: readonly string[] | null;
}

export interface Session {
  id: string;
  /** Sent back with every form and script request; compared in constant time. */
  csrf: string;
  /** The admin token, null before sign-in. Kept here, on the server: no page or script ever sees it. */
  token: string | null;
  identity: Identity | null;
  expiresAt: number;
}

export interface SessionOptions {
  /** How long a session lasts without a request. */
  idleMs?: number;
  /** Sessions kept at most; the least recently used goes first, so a flood of sign-in pages stays bounded. */
  max?: number;
  now?: () => number;
}

const randomId = () => randomBytes(32).toString('base64url');

/**
 * Server-side sessions in memory. The cookie holds only a random id; a restart signs everyone out, which
 * is the safe default for a console holding admin tokens.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(options: SessionOptions = {}) {
    this.idleMs = options.idleMs ?? 8 * 3600_000;
    this.max = options.max ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** A new session, anonymous until signIn: it carries the CSRF token the sign-in form needs. */
  create(): Session {
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
    const session: Session = {
      id: randomId(),
      csrf: randomId(),
      token: null,
      identity: null,
      expiresAt: this.now() + this.idleMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle time renewed; null when unknown or expired. */
  get(id: string | undefined): Session | null {
    if (id === undefined) return null;
    const session = this.sessions.get(id);
    if (session === undefined) return null;
    this.sessions.delete(id);
    if (session.expiresAt <= this.now()) return null;
    session.expiresAt = this.now() + this.idleMs;
    this.sessions.set(id, session);
    return session;
  }

  /** Signing in replaces the session (new id and CSRF token), so an id known before sign-in is worth nothing. */
  signIn(previous: Session | null, token: string, identity: Identity): Session {
    if (previous !== null) this.sessions.delete(previous.id);
    const session = this.create();
    session.token = token;
    session.identity = identity;
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(session: Session, presented: string | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
