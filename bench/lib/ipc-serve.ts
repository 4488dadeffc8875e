import { nowMs } from './clock.js';

/** What a child process answers over IPC: one handler per command name. */
export type Handlers = Record<string, (args: never) => unknown>;

export interface IpcRequest {
  id: number;
  command: string;
  args: unknown;
}

export type IpcReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/**
 * The child side of the bench's IPC: answers the parent's commands, tells it when it is ready, and exits
 * when the parent goes away, so a crashed or interrupted bench never leaves processes behind.
 * Every child also answers `clock` (for skew checks), `cpu` (its CPU time so far, µs) and `exit`.
 */
export function serveCommands(handlers: Handlers, onExit: () => Promise<void> = async () => {}): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('a bench child must be started with an IPC channel');
  const all: Handlers = {
    ...handlers,
    clock: () => nowMs(),
    cpu: () => cpuMicros(),
    exit: async () => {
      await onExit();
      setImmediate(() => process.exit(0));
      return null;
    },
  };
  process.on('message', (message: IpcRequest) => {
    void answer(all, message).then((reply) => send(reply));
  });
  process.on('disconnect', () => {
    // Bounded: a parent that is gone cannot wait for a graceful stop that hangs.
    setTimeout(() => process.exit(1), 5_000).unref();
    void onExit().finally(() => process.exit(0));
  });
  send({ ready: true });
}

/** User plus system CPU time this process has used, in µs. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function answer(handlers: Handlers, { id, command, args }: IpcRequest): Promise<IpcReply> {
  const handler = handlers[command] as ((args: unknown) => unknown) | undefined;
  if (handler === undefined) return { id, ok: false, error: `unknown command ${command}` };
  try {
    return { id, ok: true, result: await handler(args) };
  } catch (error) {
    return { id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}
