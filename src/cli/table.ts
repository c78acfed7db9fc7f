import { styleText } from 'node:util';

/** Colour only for a terminal that wants it: piped output and NO_COLOR get plain text. */
export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

type Style = Parameters<typeof styleText>[0];

/** A cell: its text and, in a terminal, how to colour it. */
export type Cell = string | { text: string; style?: Style };

/** Left-aligned columns, two spaces apart; padding is measured on the plain text so colour never skews it. */
export function formatTable(rows: Cell[][], colour: boolean): string {
  const text = (c: Cell) => (typeof c === 'string' ? c : c.text);
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, text(c).length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => {
          const padded = i === row.length - 1 ? text(c) : text(c).padEnd(widths[i]!);
          return colour && typeof c !== 'string' && c.style ? styleText(c.style, padded) : padded;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const STATE_STYLES: Record<string, Style> = { up: 'green', down: 'red', degraded: 'yellow', open: 'red', resolved: 'gray', critical: 'red', warning: 'yellow', info: 'cyan' };

export function stateCell(state: string): Cell {
  return { text: state, style: STATE_STYLES[state] };
}
