import { escapeHtml } from '../../html-escape.js';

/** Markup that is already safe; only `html` and `raw` make one. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/**
 * Template tag for markup: every interpolated value is escaped unless it is already `Html`. Evidence shown on the
 * dashboard (user names, user agents, summaries) comes from attackers, so nothing reaches the page unescaped.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup, for constant strings only. */
export function raw(markup: string): Html {
  return new Html(markup);
}
