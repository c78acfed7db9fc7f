import * as consoleChannel from './console.js';
import * as email from './email.js';
import * as slack from './slack.js';
import * as webhook from './webhook.js';

/** Every channel kind; a new one is one file here and one entry in this list. */
export const channelKinds = [slack, email, webhook, consoleChannel] as const;
