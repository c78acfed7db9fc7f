import { readFileSync } from 'node:fs';

/** package.json of the installed picket (from `src/` and `dist/` alike). */
export const packageInfo = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
