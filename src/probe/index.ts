import * as authGuard from './auth-guard.js';
import * as authLogin from './auth-login.js';
import * as headers from './headers.js';
import * as http from './http.js';
import * as tls from './tls.js';

/** Every check kind; a new kind is one file in this folder and one entry here. */
export const checkKinds = [http, authLogin, authGuard, tls, headers] as const;

import type { z } from 'zod';
import type { CheckBase } from './check.js';

type Kind = (typeof checkKinds)[number];

/** A loaded check of one kind: the common keys plus the kind's own. */
export type CheckOf<K extends Kind> = CheckBase & z.output<K['schema']> & { kind: K['kind'] };

export type Check = { [K in Kind as K['kind']]: CheckOf<K> }[Kind['kind']];

export type CheckKind = Kind['kind'];
