import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IpcReply, IpcRequest } from './ipc-serve.js';

/** The repository: the nearest folder above with a package.json (this file also runs compiled, from bench/.build/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: no package.json above this file');
    dir = parent;
  }
  return `${dir}/`;
}

export const REPO_ROOT = repositoryRoot();

const live = new Set<{ kill(): void }>();
let exitHookInstalled = false;

export interface SpawnOptions {
  /** Shown in errors. */
  name: string;
  /** Extra node flags (e.g. --cpu-prof). */
  execArgv?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * A bench child process (a TypeScript file run under tsx) driven by request/reply over IPC. Every child
 * is tracked, so the bench kills whatever is left when it exits, however it exits.
 */
export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exitCode: number | null | undefined;
  readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        this.exitCode = code;
        live.delete(this);
        const reason = new Error(`${name} exited (code ${code}, signal ${signal})`);
        for (const p of this.pending.values()) p.reject(reason);
        this.pending.clear();
        resolve();
      });
    });
    process.on('message', (message: IpcReply | { ready: true }) => {
      if ('ready' in message) return;
      const waiter = this.pending.get(message.id);
      if (waiter === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
  }

  static async spawn(script: string, options: SpawnOptions): Promise<BenchChild> {
    installExitHook();
    // A compiled script (.js) runs under plain Node; TypeScript ones under tsx.
    const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...(options.execArgv ?? []), ...loader, script], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const handle = new BenchChild(options.name, child);
    live.add(handle);
    const ready = new Promise<void>((resolve) => {
      child.on('message', (m: { ready?: boolean }) => {
        if (m.ready === true) resolve();
      });
    });
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      handle.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref()),
    ]);
    if (outcome !== 'ready') {
      handle.kill();
      throw new Error(`${options.name} did not start (${outcome})`);
    }
    return handle;
  }

  /** Sends a command and waits for its reply, at most timeoutMs. */
  call<T>(command: string, args: unknown = null, timeoutMs = 60_000): Promise<T> {
    if (this.exitCode !== undefined) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    const request: IpcRequest = { id, command, args };
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${command} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.process.send(request);
    });
  }

  /** The child's CPU time so far (user + system), µs. */
  cpuMicros(): Promise<number> {
    return this.call('cpu');
  }

  /** Asks the child to exit (it cleans up itself), then kills it if it has not within graceMs. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.call('exit', null, graceMs).catch(() => {});
    const done = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
    ]);
    if (!done) {
      this.kill();
      await this.exited;
    }
  }

  kill(): void {
    if (this.exitCode === undefined) this.process.kill('SIGKILL');
  }
}

/** Kills every child still alive: on exit and on Ctrl-C. */
export function killAllChildren(): void {
  for (const child of live) child.kill();
}

/** Tracks a process started without IPC (redis-server) so it dies with the bench too. */
export function trackProcess(child: ChildProcess): void {
  installExitHook();
  const entry = { kill: () => child.kill('SIGKILL') };
  live.add(entry);
  child.once('exit', () => live.delete(entry));
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killAllChildren);
}
