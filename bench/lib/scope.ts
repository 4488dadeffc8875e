import { rmSync } from 'node:fs';

/**
 * What a scenario started (child processes, servers, temp folders), closed in reverse order at its end,
 * success or failure. Each cleanup is bounded, so a stuck process cannot hang the suite.
 */
export class Scope {
  private readonly cleanups: { name: string; run: () => Promise<void> | void }[] = [];
  private closed = false;

  add(name: string, run: () => Promise<void> | void): void {
    if (this.closed) {
      void Promise.resolve().then(run);
      return;
    }
    this.cleanups.push({ name, run });
  }

  removeDirLater(dir: string): void {
    this.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  }

  /** Runs every cleanup (last added first); problems are collected, not thrown. */
  async close(timeoutMs = 20_000): Promise<string[]> {
    this.closed = true;
    const problems: string[] = [];
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        const finished = await Promise.race([
          Promise.resolve(cleanup.run()).then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
        ]);
        if (!finished) problems.push(`${cleanup.name}: did not finish within ${timeoutMs} ms`);
      } catch (error) {
        problems.push(`${cleanup.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return problems;
  }
}
