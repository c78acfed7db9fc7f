import type { FetchFunction, IncomingWebhookSendArguments } from '@slack/webhook';
import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { secret, type Secret } from '../../config/secret.js';
import { delivered, httpDelivery, parseRetryAfter, retryable, type Delivery } from '../delivery.js';
import { evidenceLines, formatTime, headline, type IncidentFacts, type Notification } from '../notification.js';

export const kind = 'slack';

export const schema = z.object({
  /** Incoming-webhook URL; its path is the credential, so it is a secret. */
  url: secret(),
  timeout: duration().prefault('10s'),
  /** Messages per second Slack accepts for one incoming webhook. */
  ratePerSecond: z.number().positive().default(1),
});

type SlackConfig = z.output<typeof schema> & { url: Secret };

/** Slack's limits: 50 blocks a message, 3,000 characters a section text, 150 a header. */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3_000, headerText: 150, fieldText: 2_000, fields: 10 };

const EMOJI: Record<string, string> = { critical: ':rotating_light:', warning: ':warning:', info: ':information_source:', resolved: ':white_check_mark:' };

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats & < > as markup; escape them in anything that came from outside. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function incidentBlocks(i: IncidentFacts, budget: number): object[] {
  const blocks: object[] = [
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Service*\n${escape(i.service)}` },
        { type: 'mrkdwn', text: `*Severity*\n${i.severity}` },
        { type: 'mrkdwn', text: `*Class*\n${i.class}` },
        { type: 'mrkdwn', text: `*Started*\n${formatTime(i.openedAt)}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(escape(i.summary), SLACK_LIMITS.sectionText) } },
  ];
  // Evidence goes in as many sections as fit; what does not fit is cut, never the reason for a failed page.
  for (const line of evidenceLines(i.evidence)) {
    if (blocks.length >= budget) break;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${escape(line.label)}*: ${escape(line.text)}`, SLACK_LIMITS.sectionText) } });
  }
  return blocks;
}

/** A Block Kit message: header with severity and class, service, summary, evidence, start, a dashboard link. */
export function render(n: Notification): { text: string; blocks: object[] } {
  const title = headline(n);
  const state = n.kind === 'resolved' ? 'resolved' : (n.incident?.severity ?? (n.incidents?.some((i) => i.severity === 'critical') ? 'critical' : 'warning'));
  const blocks: object[] = [{ type: 'header', text: { type: 'plain_text', text: clip(`${EMOJI[state] ?? ''} ${title.replace(/^\[picket [A-Z]+\] /, '')}`.trim(), SLACK_LIMITS.headerText), emoji: true } }];
  if (n.note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(escape(n.note), SLACK_LIMITS.fieldText) }] });
  if (n.incident) {
    blocks.push(...incidentBlocks(n.incident, SLACK_LIMITS.blocks - 2));
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `picket · incident #${n.incident.id} · <${n.incident.url}|open in the dashboard>` }] });
  }
  for (const i of n.incidents ?? []) {
    if (blocks.length >= SLACK_LIMITS.blocks - 1) break;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${escape(i.service)}* · ${i.severity} · ${escape(i.title)} — ${escape(i.summary)} <${i.url}|#${i.id}>`, SLACK_LIMITS.sectionText) } });
  }
  if ((n.incidents?.length ?? 0) > 0 && blocks.length >= SLACK_LIMITS.blocks - 1) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'more incidents in the dashboard' }] });
  }
  return { text: clip(n.incident ? `${title}: ${n.incident.summary}` : title, 3_000), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

let client: Promise<typeof import('@slack/webhook')> | undefined;
const slackClient = () => (client ??= import('@slack/webhook'));

/**
 * Loads the Slack client, and Node's fetch (loaded on its first call), once a Slack channel is configured: loaded for
 * the first page, they held the event loop for 100–150 ms at that very moment. A picket without a Slack channel loads
 * neither.
 */
export function prepare(): void {
  if (client) return;
  void slackClient();
  void fetch('data:,')
    .then((res) => res.arrayBuffer())
    .catch(() => undefined);
}

/**
 * Sends through @slack/webhook with its own retries off (the outbox retries). Slack answers 429 with
 * `Retry-After`, which @slack/webhook does not pass on, so the fetch it uses is wrapped to read it.
 */
export async function send(n: Notification, cfg: SlackConfig): Promise<Delivery> {
  let retryAfter: string | null = null;
  const fetchWithHeaders: FetchFunction = async (url, init) => {
    const res = await fetch(url, init as RequestInit);
    retryAfter = res.headers.get('retry-after');
    return res;
  };
  const { IncomingWebhook, IncomingWebhookHTTPError } = await slackClient();
  const hook = new IncomingWebhook(cfg.url.reveal(), { timeout: cfg.timeout, retryConfig: { retries: 0 }, fetch: fetchWithHeaders });
  try {
    const message = render(n);
    await hook.send({ text: message.text, blocks: message.blocks as IncomingWebhookSendArguments['blocks'] });
    return delivered;
  } catch (err) {
    const e = (err as { cause?: unknown }).cause ?? err;
    if (e instanceof IncomingWebhookHTTPError || err instanceof IncomingWebhookHTTPError) {
      const http = (e instanceof IncomingWebhookHTTPError ? e : err) as InstanceType<typeof IncomingWebhookHTTPError>;
      // Slack's error body is a code such as invalid_blocks, no_service or channel_is_archived.
      return httpDelivery(http.statusCode, `Slack answered ${http.statusCode} ${http.body.slice(0, 100)}`.trim(), parseRetryAfter(retryAfter));
    }
    return retryable(`Slack unreachable: ${(e as Error).message ?? String(e)}`);
  }
}
