import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface Pem {
  key: string;
  cert: string;
}

const DAY = 86_400_000;

function keyPair() {
  // Node's native RSA keygen; forge only wraps the keys for signing.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

let serial = 1;

function build(opts: {
  subject: string;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  altNames?: string[];
}): Pem & { forgeCert: forge.pki.Certificate; forgeKey: forge.pki.rsa.PrivateKey } {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  cert.validity.notBefore = opts.notBefore;
  cert.validity.notAfter = opts.notAfter;
  const subject = [{ name: 'commonName', value: opts.subject }];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: Boolean(opts.ca) }];
  if (opts.ca) extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true });
  else extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true }, { name: 'extKeyUsage', serverAuth: true });
  if (opts.altNames) {
    extensions.push({
      name: 'subjectAltName',
      altNames: opts.altNames.map((n) => (/^\d+\.\d+\.\d+\.\d+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(opts.issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { key: keys.privatePem, cert: forge.pki.certificateToPem(cert), forgeCert: cert, forgeKey: keys.privateKey };
}

/** A test CA and leaf certificates for 127.0.0.1/localhost with any validity, name or issuer. */
export class TestPki {
  readonly ca = build({ subject: 'picket test CA', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 3650 * DAY), ca: true });

  leaf(opts: { daysLeft?: number; notBeforeDays?: number; names?: string[]; selfSigned?: boolean } = {}): Pem {
    const now = Date.now();
    return build({
      subject: opts.names?.[0] ?? 'localhost',
      issuer: opts.selfSigned ? undefined : { cert: this.ca.forgeCert, key: this.ca.forgeKey },
      notBefore: new Date(now + (opts.notBeforeDays ?? -30) * DAY),
      notAfter: new Date(now + (opts.daysLeft ?? 365) * DAY),
      altNames: opts.names ?? ['localhost', '127.0.0.1'],
    });
  }
}
