/**
 * Event time arithmetic. The spec's timestamps come with and without a zone ("2018-01-01T08:01:23.45",
 * "2020-01-01T12:00:00Z"); Enreach's servers write UTC, so a timestamp without a zone is read as UTC
 * (JavaScript would otherwise read it as local time, and expiry would shift by the host's offset).
 */
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

export function timestampMs(timestamp: string): number {
  const iso = HAS_ZONE.test(timestamp) ? timestamp : `${timestamp}Z`;
  return Date.parse(iso);
}

/**
 * When an event stops being worth delivering: Timestamp + MessageTTLSeconds for a positive TTL (a
 * UserStatus more than 60 s old is stale), null for -1 (or any non-positive TTL) or none: no expiry.
 */
export function expiresAtMs(timestamp: string, messageTtlSeconds: number | undefined): number | null {
  if (messageTtlSeconds === undefined || messageTtlSeconds <= 0) return null;
  const at = timestampMs(timestamp);
  return Number.isFinite(at) ? at + messageTtlSeconds * 1000 : null;
}
