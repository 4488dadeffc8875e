import { errorSchema } from '../admin/openapi.js';

/** Error responses of a producer route's declaration, each with its own description. */
export function producerErrors(statuses: Record<number, string>) {
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      { description, content: { 'application/json': { schema: errorSchema } } },
    ]),
  );
}
