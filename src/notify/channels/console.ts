import { z } from 'zod';
import { delivered, type Delivery } from '../delivery.js';
import { evidenceLines, headline, type Notification } from '../notification.js';

export const kind = 'console';

export const schema = z.object({});

/** Readable lines, for the demo and for a terminal. */
export function render(n: Notification): string {
  const lines = [`${new Date(n.createdAt).toISOString()} ${headline(n)}`];
  if (n.note) lines.push(`    ${n.note}`);
  for (const i of n.incident ? [n.incident] : (n.incidents ?? [])) {
    lines.push(`    #${i.id} ${i.summary}`);
    for (const l of evidenceLines(i.evidence, 5)) lines.push(`    ${l.label}: ${l.text}`);
    lines.push(`    ${i.url}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes to stdout: the default channel of the demo. */
export async function send(n: Notification): Promise<Delivery> {
  process.stdout.write(render(n));
  return delivered;
}
