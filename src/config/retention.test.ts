import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseConfigDocument } from './parse.js';
import { retentionPolicy } from './retention.js';

describe('Gateway.Retention', () => {
  it('takes fractions of days and gives the pruner its policy', () => {
    const parsed = parseConfigDocument({
      Gateway: { Retention: { DeliveredDays: 0.5, AttemptsPerDelivery: 3 } },
    });
    expect(retentionPolicy(parsed.gateway)).toEqual({
      deliveredDays: 0.5,
      failedDays: 30,
      attemptsPerDelivery: 3,
      auditDays: 365,
    });
  });

  it('names every bad setting and accepts nothing', () => {
    const json = {
      Gateway: {
        Retention: {
          DeliveredDays: 0,
          FailedDays: -1,
          AttemptsPerDelivery: 1.5,
          AuditDays: 'a year',
          Extra: 1,
        },
      },
    };
    let error: unknown;
    try {
      parseConfigDocument(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual([
      '$.Gateway.Retention.DeliveredDays',
      '$.Gateway.Retention.FailedDays',
      '$.Gateway.Retention.AttemptsPerDelivery',
      '$.Gateway.Retention.AuditDays',
      '$.Gateway.Retention',
    ]);
  });
});
