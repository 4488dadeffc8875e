import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL for tests: `initdb` into a temp folder and `pg_ctl` on a free loopback port,
 * from Debian's `postgresql` package, or the server GATEWAY_TEST_POSTGRES_URL names. Each test gets a
 * database of its own (createDatabase), so tests never see each other's rows.
 */
export interface TestPostgres {
  /** A fresh, empty database on the server; its URL. */
  createDatabase(): Promise<string>;
  /** The server's maintenance URL (database `postgres`). */
  url: string;
  /** The cluster's folder, removed by stop(); null on GATEWAY_TEST_POSTGRES_URL's server. */
  dir: string | null;
  /**
   * CPU the server's processes have used so far, in µs (the postmaster, its live backends and those it
   * reaped), read from /proc; null on GATEWAY_TEST_POSTGRES_URL's server or without /proc.
   */
  cpuMicros(): number | null;
  stop(): Promise<void>;
}

export const SKIP_MESSAGE =
  'PostgreSQL suites skipped: no PostgreSQL found (apt-get install postgresql, or set GATEWAY_TEST_POSTGRES_URL=postgres://user@host:port/db) and run npm test again';

/** The folder with initdb and pg_ctl, newest version first; null when PostgreSQL is not installed. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? null : join(root, versions[0] as string, 'bin');
}

/** True when the PostgreSQL suites can run here. */
export function postgresAvailable(): boolean {
  return process.env.GATEWAY_TEST_POSTGRES_URL !== undefined || postgresBinaries() !== null;
}

let databases = 0;

/** Starts a cluster (or connects to GATEWAY_TEST_POSTGRES_URL). Call stop() in afterAll. */
export async function startPostgres(options: { fsync?: boolean } = {}): Promise<TestPostgres> {
  const given = process.env.GATEWAY_TEST_POSTGRES_URL;
  if (given !== undefined) return onServer(given, null, async () => {});
  const bin = postgresBinaries();
  if (bin === null) throw new Error(SKIP_MESSAGE);
  const dir = mkdtempSync(join(tmpdir(), 'gateway-pg-'));
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const full = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, full, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    `-c fsync=${options.fsync === true ? 'on' : 'off'}`,
    `-c synchronous_commit=${options.fsync === true ? 'on' : 'off'}`,
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that ends without afterAll (a crash) still takes its cluster with it.
  process.once('exit', stopNow);
  return onServer(`postgres://postgres@127.0.0.1:${port}/postgres`, dir, async () => {
    process.off('exit', stopNow);
    stopNow();
  });
}

async function onServer(
  url: string,
  dir: string | null,
  stopServer: () => Promise<void>,
): Promise<TestPostgres> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  return {
    url,
    dir,
    cpuMicros: () => (dir === null ? null : clusterCpuMicros(join(dir, 'data'))),
    async createDatabase() {
      const name = `gw_${process.pid}_${Date.now().toString(36)}_${++databases}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    async stop() {
      await admin.end();
      await stopServer();
    },
  };
}

/** utime + stime of the postmaster and its children, and cutime + cstime of the postmaster, in µs. */
function clusterCpuMicros(data: string): number | null {
  try {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const ticksPerSecond = 100; // USER_HZ, fixed at 100 on Linux for /proc's clock ticks
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // the process ended while we looked
      }
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      if (pid === postmaster) ticks += Number(fields[13]) + Number(fields[14]);
    }
    return (ticks * 1_000_000) / ticksPerSecond;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
