import type { GatewaySection } from '../config/index.js';
import { HttpTransport } from '../delivery/transport/http-transport.js';
import { USER_AGENT } from '../version.js';
import { destinationPolicy } from './configuration.js';

/** The HTTP transport the Delivery settings ask for (either store's gateway uses it). */
export function httpTransport(delivery: GatewaySection['Delivery']): HttpTransport {
  return new HttpTransport({
    policy: destinationPolicy(delivery),
    userAgent: USER_AGENT,
    maxConnectionsPerOrigin: delivery.MaxInFlightPerEndpoint,
  });
}
