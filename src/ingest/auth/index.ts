import * as basic from './basic.js';
import * as bearer from './bearer.js';
import * as hmacSha256 from './hmac-sha256.js';
import * as none from './none.js';
import * as standardWebhooks from './standard-webhooks.js';

/** Every way a webhook sender can prove who it is; a new one is one file here and one entry in this list. */
export const sourceAuthTypes = [bearer, basic, hmacSha256, standardWebhooks, none] as const;
