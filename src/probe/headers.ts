import { z } from 'zod';
import { flag } from '../config/fields.js';
import { httpRequestShape } from './check.js';

export const kind = 'headers';

export const schema = z.object({
  ...httpRequestShape,
  require: z
    .strictObject({
      hsts: flag().default(true),
      noSniff: flag().default(true),
      framePolicy: flag().default(true),
      /** `Cache-Control: no-store`, for endpoints that answer with personal data or tokens. */
      noStore: flag().default(false),
    })
    .prefault({}),
  /** Send a foreign `Origin`; reflecting it with credentials allowed is critical. `false` skips the probe. */
  cors: z.union([z.literal(false), z.strictObject({ origin: z.string().default('https://picket-cors-probe.invalid') })]).prefault({}),
  /** Request a path that cannot exist and look for stack traces or framework error pages. */
  verboseErrors: flag().default(true),
  /** `Server` and `X-Powered-By` must not carry version numbers. */
  versionDisclosure: flag().default(true),
});
