import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../../scripts/generate-config-schema.js';
import { parseConfigDocument } from '../../src/config/index.js';

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const validator = () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(read(CONFIG_SCHEMA_FILE));
};

describe('config.schema.json', () => {
  it('is what the generator makes of the zod schema (run `npx tsx scripts/generate-config-schema.ts`)', () => {
    expect(read(CONFIG_SCHEMA_FILE)).toEqual(configJsonSchema());
  });

  it('is the $schema of config.example.json, which it validates, as the gateway does', () => {
    const example = read('config.example.json');
    expect(example.$schema).toBe('./config.schema.json');
    const validate = validator();
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parseConfigDocument(example)).not.toThrow();
  });

  it('refuses what the gateway refuses for its shape: an unknown key, a wrong type, a missing Endpoint', () => {
    const validate = validator();
    expect(validate({ Gateway: { Listen: 8080 } })).toBe(false);
    expect(validate({ Gateway: { Unknown: true } })).toBe(false);
    expect(
      validate({
        Organizations: [
          { OrganizationId: 'fd434d24-f685-431d-8df5-386b5d5ffa73', Webhooks: [{ Webhook: {} }] },
        ],
      }),
    ).toBe(false);
    expect(validate({ Gateway: { MetricsToken: 'short' } })).toBe(false);
  });
});
