import { createHmac } from 'node:crypto';

/** The signing key of a `whsec_…` secret; a secret without the prefix is used as text, as some senders document. */
export function signingKey(secretText: string): Buffer {
  return secretText.startsWith('whsec_') ? Buffer.from(secretText.slice(6), 'base64') : Buffer.from(secretText, 'utf8');
}

/** `v1,<base64>` of HMAC-SHA256 over `<id>.<timestamp>.<body>`, as the Standard Webhooks specification defines it. */
export function sign(key: Buffer, id: string, timestamp: string, body: Buffer | string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}
