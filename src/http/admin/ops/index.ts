import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AdminEnv } from '../principal.js';
import { getDeliveries } from './deliveries/get.js';
import { postRedeliver } from './deliveries/redeliver.js';
import { getEvents } from './events/get.js';
import { postExplain } from './explain/post.js';
import { jobRoutes } from './jobs/get.js';
import type { SupportOperations } from './ports.js';
import { getHealth } from './webhooks/health.js';
import { postRecover } from './webhooks/recover.js';
import { getTests, postTest } from './webhooks/test.js';

export type { SupportOperations } from './ports.js';

/** Support's routes (finding any delivery, repairing what failed), mounted on the admin app. */
export function supportRoutes(admin: OpenAPIHono<AdminEnv>, ops: SupportOperations): void {
  admin.route('/', getEvents(ops));
  admin.route('/', getDeliveries(ops));
  admin.route('/', postRedeliver(ops));
  admin.route('/', getHealth(ops));
  admin.route('/', postRecover(ops));
  admin.route('/', postTest(ops));
  admin.route('/', getTests(ops));
  admin.route('/', jobRoutes(ops));
  admin.route('/', postExplain(ops));
}
