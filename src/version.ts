import { readFileSync } from 'node:fs';

// package.json sits two levels above this file both under tsx (src/) and after tsc (dist/).
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const GATEWAY_NAME = pkg.name;
export const GATEWAY_VERSION = pkg.version;
/** Sent on every delivery so integrators can tell the gateway's requests apart in their logs. */
export const USER_AGENT = `${pkg.name}/${pkg.version} (+https://github.com/enreach-webhook-gateway)`;
