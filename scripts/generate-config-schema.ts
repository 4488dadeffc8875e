import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as z from 'zod';
import { configDocumentSchema } from '../src/config/schema.js';

/** Where the committed schema lives, and what config.example.json's $schema names. */
export const CONFIG_SCHEMA_FILE = 'config.schema.json';

/**
 * The JSON Schema of the configuration document, generated from its zod schema: what a document may
 * contain as written (input side: defaults make keys optional). Rules zod checks in code (a Listen
 * address, exactly one subscription target, cross-references, known event types) are not in it; the
 * gateway still checks them and names each problem.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configDocumentSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/enreach-webhook-gateway/config.schema.json',
    title: 'Enreach webhook gateway configuration document',
  };
}

// `npx tsx scripts/generate-config-schema.ts` rewrites the committed file, formatted as `npm run lint` wants.
if (process.argv[1]?.endsWith('generate-config-schema.ts')) {
  writeFileSync(CONFIG_SCHEMA_FILE, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  execFileSync('npx', ['biome', 'format', '--write', CONFIG_SCHEMA_FILE], { stdio: 'ignore' });
}
