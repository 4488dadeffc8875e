import type { RetentionPolicy } from '../store/pruner.js';
import type { GatewaySection } from './schema.js';

/** Gateway.Retention as the store's pruner takes it. */
export function retentionPolicy(gateway: Pick<GatewaySection, 'Retention'>): RetentionPolicy {
  const r = gateway.Retention;
  return {
    deliveredDays: r.DeliveredDays,
    failedDays: r.FailedDays,
    attemptsPerDelivery: r.AttemptsPerDelivery,
    auditDays: r.AuditDays,
  };
}
