import * as alertmanager from './alertmanager.js';
import * as betterstack from './betterstack.js';
import * as generic from './generic.js';
import * as grafana from './grafana.js';
import * as lagnis from './lagnis.js';
import * as pingdom from './pingdom.js';
import * as uptimekuma from './uptimekuma.js';
import * as uptimerobot from './uptimerobot.js';

/** Every webhook format picket understands; a new one is one file here and one entry in this list. */
export const sourceFormats = [lagnis, alertmanager, grafana, uptimekuma, uptimerobot, pingdom, betterstack, generic] as const;
