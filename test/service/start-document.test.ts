import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importCommand } from '../../src/cli/import-export.js';
import { parseConfigDocument } from '../../src/config/index.js';
import { startGateway } from '../../src/service/gateway.js';
import { ADMIN, adminCall } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, tempDir, testDocument, writeConfig } from '../support/gateway.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function documentFor(dbFile: string, endpoints: string[]) {
  return testDocument(dbFile, {
    adminTokens: [ADMIN],
    organizations: [
      organization(
        ORG,
        endpoints.map((endpoint) => ({ endpoint })),
      ),
    ],
  });
}

type Running = Awaited<ReturnType<typeof startGateway>>;

async function endpointsAfterStart(
  document: Record<string, unknown>,
  change?: (url: string, gateway: Running) => Promise<void>,
) {
  const gateway = await startGateway({ config: parseConfigDocument(document) });
  try {
    await change?.(gateway.url as string, gateway);
    const list = await adminCall(gateway.url as string, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    return (list.body.Items as { Endpoint: string }[]).map((w) => w.Endpoint).sort();
  } finally {
    await gateway.stop();
  }
}

describe('the configuration file at start', () => {
  it('is applied only when it changed since last applied: changes made over the API survive a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbFile = join(dir, 'gateway.db');
    const file = documentFor(dbFile, ['http://127.0.0.1:9/a']);
    const added = await endpointsAfterStart(file, async (url) => {
      const created = await adminCall(url, 'POST', `/v1/admin/organizations/${ORG}/webhooks`, {
        body: { Endpoint: 'http://127.0.0.1:9/b' },
      });
      expect(created.status).toBe(201);
    });
    expect(added).toEqual(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);

    // Same file: the store, with the API's webhook, is kept.
    expect(await endpointsAfterStart(file)).toEqual(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);

    // A changed file is an import: its Organizations become the state, audited as the document.
    const changed = documentFor(dbFile, ['http://127.0.0.1:9/c']);
    let audit: { Actor: string; Action: string; After: { Endpoint?: string } | null }[] = [];
    const after = await endpointsAfterStart(changed, async (url) => {
      audit = (await adminCall(url, 'GET', '/v1/admin/audit?Resource=webhook')).body.Items as typeof audit;
    });
    expect(after).toEqual(['http://127.0.0.1:9/c']);
    expect(
      audit
        .slice(0, 3)
        .map((e) => `${e.Actor} ${e.Action}`)
        .sort(),
    ).toEqual(['document create', 'document delete', 'document delete']);
  });

  it('is the one SIGHUP applied last, and `gateway import` leaves it: both keep what they applied', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbFile = join(dir, 'gateway.db');
    const file = writeConfig(dir, documentFor(dbFile, ['http://127.0.0.1:9/a']));
    const api = (url: string) =>
      adminCall(url, 'POST', `/v1/admin/organizations/${ORG}/webhooks`, {
        body: { Endpoint: 'http://127.0.0.1:9/api' },
      });
    await endpointsAfterStart(documentFor(dbFile, ['http://127.0.0.1:9/a']), async (url, gateway) => {
      // The file changes and is reloaded; then the API adds a webhook.
      writeConfig(dir, documentFor(dbFile, ['http://127.0.0.1:9/reloaded']));
      await gateway.configuration.reloadFile({ GATEWAY_CONFIG: file });
      expect((await api(url)).status).toBe(201);
    });
    // The reloaded file is the one last applied: starting with it keeps the API's webhook.
    const reloaded = documentFor(dbFile, ['http://127.0.0.1:9/reloaded']);
    expect(await endpointsAfterStart(reloaded)).toEqual([
      'http://127.0.0.1:9/api',
      'http://127.0.0.1:9/reloaded',
    ]);

    // An import of another file changes the store and is kept by a start with the unchanged file.
    const other = join(dir, 'other.json');
    writeConfig(dir, documentFor(dbFile, ['http://127.0.0.1:9/imported']));
    renameSync(file, other);
    importCommand(other, false);
    expect(await endpointsAfterStart(reloaded)).toEqual(['http://127.0.0.1:9/imported']);
  });

  it('on SIGHUP with unchanged Organizations takes the Gateway section and keeps what the API changed', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbFile = join(dir, 'gateway.db');
    const withToken = (token: string, endpoints: string[]) => {
      const document = documentFor(dbFile, endpoints);
      return { ...document, Gateway: { ...(document.Gateway as object), ProducerTokens: [token] } };
    };
    const file = writeConfig(dir, withToken('token-one', ['http://127.0.0.1:9/a']));
    const gateway = await startGateway({
      config: parseConfigDocument(withToken('token-one', ['http://127.0.0.1:9/a'])),
    });
    try {
      const url = gateway.url as string;
      const endpoints = async () =>
        (
          (await adminCall(url, 'GET', `/v1/admin/organizations/${ORG}/webhooks`)).body.Items as {
            Endpoint: string;
          }[]
        )
          .map((w) => w.Endpoint)
          .sort();
      const publish = (token: string) =>
        fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(specEvent('UserStatus', ORG)),
        }).then((r) => r.status);
      const created = await adminCall(url, 'POST', `/v1/admin/organizations/${ORG}/webhooks`, {
        body: { Endpoint: 'http://127.0.0.1:9/api' },
      });
      expect(created.status).toBe(201);

      // A token rotated in the file: the Gateway section is taken, the API's webhook stays.
      writeConfig(dir, withToken('token-two', ['http://127.0.0.1:9/a']));
      expect(await gateway.configuration.reloadFile({ GATEWAY_CONFIG: file })).toEqual([]);
      expect(await publish('token-two')).toBe(202);
      expect(await publish('token-one')).toBe(401);
      expect(await endpoints()).toEqual(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/api']);

      // Organizations changed in the file: applied as desired state, the API's webhook goes.
      writeConfig(dir, withToken('token-two', ['http://127.0.0.1:9/b']));
      await gateway.configuration.reloadFile({ GATEWAY_CONFIG: file });
      expect(await endpoints()).toEqual(['http://127.0.0.1:9/b']);
    } finally {
      await gateway.stop();
    }
  });
});
