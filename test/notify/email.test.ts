import { beforeAll, describe, expect, it } from 'vitest';
import { send, threadId } from '../../src/notify/channels/email.js';
import { closedPort } from '../helpers/servers.js';
import { facts, page } from '../helpers/notifications.js';
import { startSmtp, type Mailbox } from '../helpers/smtp.js';

let box: Mailbox;
const cfg = (port = box.port) => ({ smtp: { host: '127.0.0.1', port, secure: false, tlsVerify: false }, from: 'picket@example.com', to: ['oncall@example.com'], timeout: 2_000, ratePerSecond: 5 });

beforeAll(async () => {
  box = await startSmtp();
});

describe('email channel', () => {
  it('sends a subject, a text part and an HTML part with the same facts', async () => {
    expect(await send(page(), cfg())).toEqual({ ok: true });
    const mail = box.mails.at(-1)!;
    expect(mail.subject).toBe('[picket CRITICAL] auth: possible credential stuffing');
    expect(mail.to).toMatchObject({ text: 'oncall@example.com' });
    for (const part of [mail.text!, mail.html as string]) {
      for (const fact of ['auth', 'critical', 'attack.credential_stuffing', '203.0.113.9 (120)', 'alice@example.com (3)', 'http://127.0.0.1:8787/incidents/12']) expect(part).toContain(fact);
    }
  });

  it('threads every mail of an incident under its first page', async () => {
    await send(page({ key: '40|page:default:0|mail' , incident: facts({ id: 40 }) }), cfg());
    await send(page({ kind: 'resolved', key: '40|resolved:1|mail', level: undefined, incident: facts({ id: 40, state: 'resolved', resolvedAt: Date.parse('2026-11-23T20:30:00Z') }) }), cfg());
    const [first, resolved] = box.mails.slice(-2);
    const root = threadId(40, 'picket@example.com');
    expect(first!.messageId).toBe(root);
    expect(resolved!.subject).toBe('[picket RESOLVED] auth: possible credential stuffing');
    expect(resolved!.inReplyTo).toBe(root);
    expect(resolved!.references).toEqual(root);
    expect(resolved!.messageId).not.toBe(root);
  });

  it('retries when the SMTP server is down or says try later, not when it refuses the address', async () => {
    expect(await send(page(), cfg(await closedPort()))).toMatchObject({ ok: false, retryable: true });
    box.reject = 451;
    expect(await send(page(), cfg())).toMatchObject({ ok: false, retryable: true });
    box.reject = 550;
    expect(await send(page(), cfg())).toMatchObject({ ok: false, retryable: false });
    box.reject = undefined;
  });
});
