/**
 * A command that cannot do its work for a reason the operator can fix: printed as its one-line message,
 * never with a stack, and the process exits with `exitCode` (2: bad input or setting; 1: nothing found).
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}
