import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll } from 'vitest';

export interface Mailbox {
  port: number;
  mails: ParsedMail[];
  /** Reject every mail with this SMTP code (550 is permanent, 451 temporary), or accept (undefined). */
  reject?: number;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on 127.0.0.1 that parses what it receives (mailparser). */
export async function startSmtp(port = 0): Promise<Mailbox> {
  const box: Mailbox = { port: 0, mails: [], close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (box.reject) {
          const err = Object.assign(new Error(box.reject >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: box.reject });
          callback(err);
          return;
        }
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            box.mails.push(mail);
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  box.port = (server.server.address() as AddressInfo).port;
  box.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  afterAll(() => box.close());
  return box;
}
