import { readFileSync } from 'node:fs';

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

export function jsonFixture(name: string): unknown {
  return JSON.parse(fixture(name));
}
