// A throw-away TLS certificate for the identity stand-in, made when it starts (never checked in). The library
// `selfsigned` builds the X.509 certificate; Node's crypto cannot create certificates itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  /** PEM private key of the server. */
  key: string;
  /** PEM certificate (self-signed; it is its own CA). Give it to clients as a trusted CA. */
  cert: string;
}

/** A self-signed certificate for `localhost`, `127.0.0.1` and `::1`, valid for a day. */
export async function makeLoopbackCertificate(): Promise<TlsMaterial> {
  const now = Date.now();
  const made = await generate([{ name: 'commonName', value: 'Security Copilot identity stand-in' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: made.private, cert: made.cert };
}

/** Writes the certificate (not the key) where a client's NODE_EXTRA_CA_CERTS can point. */
export function writeCaFile(file: string, material: TlsMaterial): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, material.cert);
}
