import * as accountTakeover from './account-takeover.js';
import * as availability from './availability.js';
import * as bruteForce from './brute-force.js';
import type { DetectorModule } from './context.js';
import * as credentialStuffing from './credential-stuffing.js';
import * as dos from './dos.js';
import * as errorRate from './error-rate.js';
import * as exfiltration from './exfiltration.js';
import * as latency from './latency.js';
import * as misconfig from './misconfig.js';
import * as passwordSpray from './password-spray.js';
import * as scraping from './scraping.js';
import * as unusualLocation from './unusual-location.js';

/** Every detector; a new one is one file in this folder and one entry here. */
export const detectors: readonly DetectorModule[] = [
  availability,
  misconfig,
  latency,
  errorRate,
  credentialStuffing,
  passwordSpray,
  bruteForce,
  accountTakeover,
  unusualLocation,
  scraping,
  exfiltration,
  dos,
];
