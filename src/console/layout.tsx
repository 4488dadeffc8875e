import type { Child } from 'hono/jsx';
import type { Session } from './session.js';

export const BASE = '/console';

export interface PageProps {
  title: string;
  session: Session | null;
  children?: Child;
}

/** Who may change things: the API decides, the console only hides what would be refused anyway. */
export const canEdit = (session: Session | null): boolean =>
  session?.identity?.role === 'editor' || session?.identity?.role === 'admin';

export function Layout({ title, session, children }: PageProps) {
  const identity = session?.identity ?? null;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {session !== null && <meta name="csrf-token" content={session.csrf} />}
        <title>{`${title} · Webhook gateway console`}</title>
        <link rel="icon" href={`${BASE}/assets/favicon.svg`} type="image/svg+xml" />
        <link rel="stylesheet" href={`${BASE}/assets/console.css`} />
        <script src={`${BASE}/assets/console.js`} defer />
      </head>
      <body>
        <header class="top">
          <span class="brand">Webhook gateway</span>
          {identity !== null && (
            <nav aria-label="Console">
              <a href={`${BASE}/organizations`}>Organizations</a>
              <a href={`${BASE}/events`}>Events</a>
              {canEdit(session) && <a href={`${BASE}/recover`}>Recover</a>}
              <a href={`${BASE}/simulator`}>Simulator</a>
              <a href={`${BASE}/audit`}>Audit log</a>
            </nav>
          )}
          {identity !== null && session !== null && (
            <div class="who">
              <span>
                {identity.name} ({identity.role}
                {identity.organizations === null ? '' : `, ${identity.organizations.length} organization(s)`})
              </span>
              <form method="post" action={`${BASE}/sign-out`} class="inline">
                <CsrfField session={session} />
                <button type="submit">Sign out</button>
              </form>
            </div>
          )}
        </header>
        <main>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

export function CsrfField({ session }: { session: Session }) {
  return <input type="hidden" name="_csrf" value={session.csrf} />;
}

/** The messages the API gave for one field, shown beside it. */
export function FieldErrors({
  errors,
  field,
}: {
  errors?: Map<string, string[]> | undefined;
  field: string;
}) {
  const messages = errors?.get(field) ?? [];
  if (messages.length === 0) return null;
  return (
    <span class="field-error" id={`${field}-error`} role="alert">
      {messages.join(' ')}
    </span>
  );
}

/** A time in the viewer's zone (the script converts it), UTC in the markup and on hover. */
export function Time({ at }: { at: string | null | undefined }) {
  if (at === null || at === undefined || at === '') return <span class="muted">never</span>;
  return <time datetime={at}>{at}</time>;
}
