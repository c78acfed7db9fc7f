import * as consoleChannel from './console.js';
import * as email from './email.js';
import * as slack from './slack.js';
import * as webhook from './webhook.js';
import type { Delivery } from '../delivery.js';
import type { Notification } from '../notification.js';

/** Every channel kind; a new one is one file here and one entry in this list. */
export const channelKinds = [slack, email, webhook, consoleChannel] as const;

export interface ChannelConfig {
  type: string;
  ratePerSecond?: number;
}

/** A configured channel, ready to send. */
export interface Channel {
  name: string;
  kind: string;
  ratePerSecond: number;
  send(n: Notification): Promise<Delivery>;
}

/**
 * What a channel kind's file exports: `send`, and `prepare` when its client is loaded only for pickets that have such
 * a channel (called once the channel is configured, so the first page does not wait for the loading).
 */
interface ChannelKind {
  kind: string;
  send(n: Notification, cfg: never): Promise<Delivery>;
  prepare?(): void;
}

const byKind = new Map<string, ChannelKind>(channelKinds.map((c: ChannelKind) => [c.kind, c]));

export function createChannel(name: string, cfg: ChannelConfig): Channel {
  const channelKind = byKind.get(cfg.type);
  if (!channelKind) throw new Error(`unknown channel type ${cfg.type}`);
  channelKind.prepare?.();
  return { name, kind: cfg.type, ratePerSecond: cfg.ratePerSecond ?? 100, send: (n) => channelKind.send(n, cfg as never) };
}
