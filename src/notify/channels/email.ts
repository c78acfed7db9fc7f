import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { escapeHtml } from '../../html-escape.js';
import { duration } from '../../config/duration.js';
import { flag, port } from '../../config/fields.js';
import { secret, type Secret } from '../../config/secret.js';
import { delivered, permanent, retryable, type Delivery } from '../delivery.js';
import { evidenceLines, formatTime, headline, type IncidentFacts, type Notification } from '../notification.js';

export const kind = 'email';

export const schema = z.object({
  smtp: z.strictObject({
    host: z.string().min(1),
    port: port().default(587),
    secure: flag().default(false),
    user: z.string().optional(),
    password: secret().optional(),
    /** Accept a self-signed SMTP certificate. */
    tlsVerify: flag().default(true),
  }),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  timeout: duration().prefault('15s'),
  ratePerSecond: z.number().positive().default(5),
});

type EmailConfig = z.output<typeof schema> & { smtp: { password?: Secret } };

/** One SMTP transport per channel config, reused across sends. */
const transports = new WeakMap<object, Transporter>();

let mailer: Promise<typeof import('nodemailer')> | undefined;
const nodemailerModule = () => (mailer ??= import('nodemailer'));

/** Loads nodemailer once an email channel is configured, not when the first mail of an incident goes out. */
export function prepare(): void {
  void nodemailerModule();
}

/** A picket without an email channel never loads nodemailer. */
async function transportFor(cfg: EmailConfig): Promise<Transporter> {
  let t = transports.get(cfg);
  if (!t) {
    const { default: nodemailer } = await nodemailerModule();
    t = nodemailer.createTransport({
      host: cfg.smtp.host,
      port: cfg.smtp.port,
      secure: cfg.smtp.secure,
      auth: cfg.smtp.user ? { user: cfg.smtp.user, pass: cfg.smtp.password?.reveal() ?? '' } : undefined,
      tls: { rejectUnauthorized: cfg.smtp.tlsVerify },
      connectionTimeout: cfg.timeout,
      greetingTimeout: cfg.timeout,
      socketTimeout: cfg.timeout,
    });
    transports.set(cfg, t);
  }
  return t;
}

const domainOf = (address: string) => address.replace(/^.*@/, '').replace(/>.*$/, '') || 'picket.invalid';

/** The Message-ID every mail about an incident refers to, so clients thread them. */
export function threadId(incidentId: number, from: string): string {
  return `<picket.incident-${incidentId}@${domainOf(from)}>`;
}

function incidentText(i: IncidentFacts): string[] {
  return [
    `Service:  ${i.service}`,
    `Severity: ${i.severity}`,
    `Class:    ${i.class}`,
    `Started:  ${formatTime(i.openedAt)}`,
    ...(i.resolvedAt !== undefined ? [`Resolved: ${formatTime(i.resolvedAt)}`] : []),
    '',
    i.summary,
    '',
    ...evidenceLines(i.evidence).map((l) => `${l.label}: ${l.text}`),
    '',
    `Dashboard: ${i.url}`,
  ];
}

function incidentHtml(i: IncidentFacts): string {
  const rows = [
    ['Service', i.service],
    ['Severity', i.severity],
    ['Class', i.class],
    ['Started', formatTime(i.openedAt)],
    ...(i.resolvedAt !== undefined ? [['Resolved', formatTime(i.resolvedAt)]] : []),
    ...evidenceLines(i.evidence).map((l) => [l.label, l.text]),
  ];
  return `<p>${escapeHtml(i.summary)}</p><table cellpadding="4">${rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`).join('')}</table><p><a href="${escapeHtml(i.url)}">Open incident #${i.id} in the dashboard</a></p>`;
}

/** Subject, plain text and HTML with the same facts, and threading headers per incident. */
export function render(n: Notification, from: string): { subject: string; text: string; html: string; messageId: string; inReplyTo?: string; references?: string } {
  const subject = headline(n);
  const incidents = n.incident ? [n.incident] : (n.incidents ?? []);
  const text = [subject, ...(n.note ? [n.note] : []), '', ...incidents.flatMap((i) => [...incidentText(i), ''])].join('\n');
  const html = `<h2>${escapeHtml(subject)}</h2>${n.note ? `<p><em>${escapeHtml(n.note)}</em></p>` : ''}${incidents.map(incidentHtml).join('<hr>')}`;
  const host = domainOf(from);
  const stepId = `<picket.${n.key.replace(/[^A-Za-z0-9.-]/g, '-')}@${host}>`;
  if (!n.incident) return { subject, text, html, messageId: stepId };
  const root = threadId(n.incident.id, from);
  // The first page of an incident starts the thread; everything after replies to it.
  if (n.kind === 'page' && n.level === 0) return { subject, text, html, messageId: root };
  return { subject, text, html, messageId: stepId, inReplyTo: root, references: root };
}

/** Sends with nodemailer over SMTP. A 4xx reply or no connection is retried; a 5xx reply (bad address) is not. */
export async function send(n: Notification, cfg: EmailConfig): Promise<Delivery> {
  const mail = render(n, cfg.from);
  try {
    await (await transportFor(cfg)).sendMail({ from: cfg.from, to: cfg.to, ...mail });
    return delivered;
  } catch (err) {
    const e = err as Error & { responseCode?: number; code?: string };
    if (e.responseCode !== undefined && e.responseCode >= 500) return permanent(`SMTP refused the mail: ${e.responseCode} ${e.message.slice(0, 120)}`);
    return retryable(`SMTP: ${e.code ?? ''} ${e.message.slice(0, 120)}`.trim());
  }
}
