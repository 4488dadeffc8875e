import { PRODUCER_ACTOR } from '../store/config/audit.js';

/** The actor of a change made by applying a configuration document (start, SIGHUP, `gateway import`). */
export const DOCUMENT_ACTOR = 'document';

/**
 * Audit actors that are not tokens: no admin token may take one of these Names (in any case or spacing),
 * or its changes would read in the audit log as if the document had made them.
 */
const RESERVED_NAMES = [DOCUMENT_ACTOR, PRODUCER_ACTOR];

/** Printable words separated by single spaces: a Name is shown in audit answers, logs and the console. */
const NAME_FORMAT = /^[\p{L}\p{N}._@+-]+(?: [\p{L}\p{N}._@+-]+)*$/u;

/** Why a token Name cannot be used, or undefined when it can. */
export function tokenNameProblem(name: string): string | undefined {
  if (RESERVED_NAMES.includes(name.trim().toLowerCase()))
    return `"${name.trim()}" is the audit's actor for changes made by the configuration document or by producers: choose another Name`;
  if (!NAME_FORMAT.test(name))
    return 'must be letters, digits and . _ @ + - in words separated by single spaces (no control characters, no leading or trailing space)';
  return undefined;
}
