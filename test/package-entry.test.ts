import { describe, expect, it } from 'vitest';
import * as entry from '../src/index.js';

describe('package entry', () => {
  it('exports the catalogue, the builder and the SDK entry points', () => {
    expect(entry.EVENT_TYPES).toHaveLength(80);
    expect(typeof entry.parseEvent).toBe('function');
    expect(typeof entry.buildEvent).toBe('function');
    expect(typeof entry.startGateway).toBe('function');
    expect(typeof entry.RemotePublisher).toBe('function');
    expect(() => entry.parseEvent({ EventType: 'QueueCallInConnected' })).toThrow(entry.EventValidationError);
  });
});
