import { generate } from 'selfsigned';

export interface KeyAndCert {
  key: string;
  cert: string;
}

const localNames = [
  { type: 2 as const, value: 'localhost' },
  { type: 7 as const, ip: '127.0.0.1' },
  { type: 7 as const, ip: '::1' },
];

/** A self-signed certificate for localhost, 127.0.0.1 and ::1, made fresh for the test run. */
export async function selfSignedCertificate(): Promise<KeyAndCert> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: localNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export interface PrivateCa {
  /** The CA certificate to trust. */
  caCert: string;
  /** Issues a leaf certificate for the given DNS names, signed by this CA. */
  issue(dnsNames: readonly string[]): Promise<KeyAndCert>;
}

/** A throwaway certificate authority, for tests that need a certificate that verifies. */
export async function privateCa(): Promise<PrivateCa> {
  const ca = await generate([{ name: 'commonName', value: 'Gateway Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return {
    caCert: ca.cert,
    async issue(dnsNames) {
      const leaf = await generate([{ name: 'commonName', value: dnsNames[0] ?? 'localhost' }], {
        keyType: 'ec',
        algorithm: 'sha256',
        ca: { key: ca.private, cert: ca.cert },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2 as const, value })) },
        ],
      });
      return { key: leaf.private, cert: leaf.cert };
    },
  };
}
