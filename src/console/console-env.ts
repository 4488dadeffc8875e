import type { AdminApi } from './admin-api.js';
import type { Session } from './session.js';

/** What every signed-in console request carries: its session and the admin API as its token sees it. */
export type ConsoleEnv = { Variables: { session: Session; api: AdminApi } };
