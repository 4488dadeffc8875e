import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT, trackProcess } from '../lib/child-process.js';
import { freePort } from '../lib/free-port.js';
import type { Scope } from '../lib/scope.js';
import { tempDir } from '../lib/temp-dir.js';

/**
 * The peer's durability, stated in the results: an append-only file fsynced once a second (Redis's
 * usual durable setting). The gateway fsyncs every commit of accepted events.
 */
export const REDIS_DURABILITY = 'AOF, appendfsync everysec';

/** Installs redis-server when missing (bench/peers/redis.sh, Debian's package). */
export function ensureRedisInstalled(): void {
  const result = spawnSync('bash', [join(REPO_ROOT, 'bench/peers/redis.sh')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  if (result.status !== 0)
    throw new Error(`redis-server is not available: ${result.stderr?.toString().trim()}`);
}

/** The bench's own Redis on a loopback port, in a temp folder, stopped with the scope. */
export async function startRedis(scope: Scope): Promise<number> {
  ensureRedisInstalled();
  const dir = tempDir(scope, 'redis-bench');
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  trackProcess(child);
  scope.add('stop redis-server', async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 5_000)),
    ]);
    if (!stopped) child.kill('SIGKILL');
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve();
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
  child.stdout.resume();
  child.stderr.resume();
  return port;
}
