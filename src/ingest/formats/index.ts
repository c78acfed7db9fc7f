import type { z } from 'zod';
import * as alertmanager from './alertmanager.js';
import * as betterstack from './betterstack.js';
import * as generic from './generic.js';
import * as grafana from './grafana.js';
import * as lagnis from './lagnis.js';
import * as pingdom from './pingdom.js';
import type { FormatContext, ParseResult } from './read.js';
import * as uptimekuma from './uptimekuma.js';
import * as uptimerobot from './uptimerobot.js';

/** Every webhook format picket understands; a new one is one file here and one entry in this list. */
export const sourceFormats = [lagnis, alertmanager, grafana, uptimekuma, uptimerobot, pingdom, betterstack, generic] as const;

export interface SourceFormat {
  format: string;
  options: z.ZodObject;
  /** Bodies the format accepts: JSON, and for some senders form-encoded fields. */
  contentTypes: readonly ('json' | 'form')[];
  parse(body: unknown, ctx: FormatContext): ParseResult;
}

const byName = new Map<string, SourceFormat>(sourceFormats.map((f) => [f.format, f as SourceFormat]));

export function formatNamed(name: string): SourceFormat {
  const f = byName.get(name);
  if (!f) throw new Error(`unknown format ${name}`);
  return f;
}
