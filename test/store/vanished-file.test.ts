import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { createLogger } from '../../src/log/logger.js';
import { startGateway } from '../../src/service/gateway.js';
import { specEvent } from '../support/events.js';
import { ORG, startTestGateway, type TestGateway, TOKEN, tempDir, testDocument } from '../support/gateway.js';
import { waitFor } from '../support/wait.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.cleanup();
  gw = undefined;
});

function logLines(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ level: 'info', destination: stream }), lines };
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the database file under a running gateway', () => {
  for (const how of ['deleted', 'replaced'] as const) {
    it(`notices it ${how}: logs an error, answers 503 to writes and readiness`, async () => {
      const { logger, lines } = logLines();
      gw = await startTestGateway({}, { logger });
      const url = gw.url as string;
      expect((await post(url, specEvent('UserStatus', ORG))).status).toBe(202);
      if (how === 'deleted') rmSync(gw.dbFile);
      else {
        copyFileSync(gw.dbFile, `${gw.dbFile}.copy`);
        renameSync(`${gw.dbFile}.copy`, gw.dbFile);
      }
      await waitFor(async () => (await fetch(`${url}/readyz`)).status === 503, 'readiness to fail');
      const refused = await post(url, specEvent('UserStatus', ORG));
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { Error: { Code: string } }).Error.Code).toBe('STORE_UNAVAILABLE');
      expect(lines.find((l) => l.level === 50)?.err).toMatchObject({
        message: expect.stringContaining(
          `the database file ${gw.dbFile} was ${how} while this gateway served it`,
        ),
      });
    });
  }

  it('never starts on an empty database in place of one that vanished', async () => {
    gw = await startTestGateway();
    const { dbFile } = gw;
    await gw.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
    const config = parseConfigDocument(testDocument(dbFile));
    await expect(startGateway({ config, http: false })).rejects.toThrow(
      `${dbFile} is missing, but a gateway served a database there`,
    );
    // A fresh folder is a fresh start.
    const freshDir = tempDir();
    const other = await startGateway({
      config: parseConfigDocument(testDocument(join(freshDir, 'gateway.db'))),
      http: false,
    });
    await other.stop();
    rmSync(freshDir, { recursive: true, force: true });
  });
});
