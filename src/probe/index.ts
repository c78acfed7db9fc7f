import type { z } from 'zod';
import * as authGuard from './auth-guard.js';
import * as authLogin from './auth-login.js';
import type { CheckBase } from './check.js';
import * as headers from './headers.js';
import * as http from './http.js';
import * as tls from './tls.js';
import type { ProbeContext, ProbeResult } from './types.js';

/** Every check kind; a new kind is one file in this folder and one entry here. */
export const checkKinds = [http, authLogin, authGuard, tls, headers] as const;

type Kind = (typeof checkKinds)[number];

/** A loaded check of one kind: the common keys plus the kind's own. */
export type CheckOf<K extends Kind> = CheckBase & z.output<K['schema']> & { kind: K['kind'] };

export type Check = { [K in Kind as K['kind']]: CheckOf<K> }[Kind['kind']];

export type CheckKind = Kind['kind'];

interface KindModule {
  kind: string;
  probe(check: Check, ctx: ProbeContext): Promise<ProbeResult>;
  extraSchedules?(check: Check): { name: string; interval: number }[];
}

const byKind = new Map<string, KindModule>(checkKinds.map((k) => [k.kind, k as unknown as KindModule]));

/** Runs the probe of the check's kind. */
export function probeCheck(check: Check, ctx: ProbeContext): Promise<ProbeResult> {
  return byKind.get(check.kind)!.probe(check, ctx);
}

/** Named schedules a kind runs besides the check's own interval (auth-login's wrong-password attempt). */
export function extraSchedulesOf(check: Check): { name: string; interval: number }[] {
  return byKind.get(check.kind)!.extraSchedules?.(check) ?? [];
}

/** What a check points at, for display and per-host limits; never with credentials or a query string. */
export function targetOf(check: Check): { host: string; display: string } {
  if (check.kind === 'tls') return { host: check.host, display: `${check.host}:${check.port}` };
  const url = new URL(check.url);
  return { host: url.host, display: `${url.protocol}//${url.host}${url.pathname}` };
}
