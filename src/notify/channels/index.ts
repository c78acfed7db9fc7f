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

const byKind = new Map<string, (n: Notification, cfg: never) => Promise<Delivery>>(channelKinds.map((c) => [c.kind, c.send as (n: Notification, cfg: never) => Promise<Delivery>]));

export function createChannel(name: string, cfg: ChannelConfig): Channel {
  const send = byKind.get(cfg.type);
  if (!send) throw new Error(`unknown channel type ${cfg.type}`);
  return { name, kind: cfg.type, ratePerSecond: cfg.ratePerSecond ?? 100, send: (n) => send(n, cfg as never) };
}
