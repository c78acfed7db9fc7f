import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type pinoPretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Field names whose values never reach a log line, whatever logged them. */
const REDACT = [
  'password',
  'token',
  'secret',
  'adminToken',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'credentials',
  '*.credentials',
];

/** JSON lines for machines; readable lines when a person is watching a terminal. */
export function createLogger(opts: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const options = { level: opts.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } };
  const human = opts.pretty ?? Boolean(process.stdout.isTTY);
  if (human) {
    // Loaded only for a terminal: a service logging JSON does not carry the pretty-printer in memory.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof pinoPretty;
    return pino(options, pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(options, (opts.destination as pino.DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: true }));
}
