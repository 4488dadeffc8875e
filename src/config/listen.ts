/** The gateway's listen address: `host:port`, with IPv6 hosts in brackets (`[::1]:8080`). */
export interface ListenAddress {
  host: string;
  port: number;
}

const BRACKETED = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/;
const PLAIN = /^([A-Za-z0-9.-]+):(\d{1,5})$/;

/** Returns null when the text is not `host:port` with a port in 0..65535 (0 asks the OS for a free port). */
export function parseListen(text: string): ListenAddress | null {
  const match = BRACKETED.exec(text) ?? PLAIN.exec(text);
  if (match === null) return null;
  const [, host, portText] = match;
  const port = Number(portText);
  if (host === undefined || port > 65535) return null;
  return { host, port };
}

export const LISTEN_FORMAT = 'must be host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080';
