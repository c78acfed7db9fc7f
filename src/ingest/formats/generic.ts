import { z } from 'zod';

export const format = 'generic';

const jsonPath = z.string().startsWith('$', 'a JSON path such as $.monitor.id');

/** Where each field of the normalized event is found in the sender's JSON. */
export const options = z.object({
  paths: z.strictObject({
    state: jsonPath,
    monitorKey: jsonPath,
    name: jsonPath.optional(),
    url: jsonPath.optional(),
    statusCode: jsonPath.optional(),
    responseTimeMs: jsonPath.optional(),
    reason: jsonPath.optional(),
    time: jsonPath.optional(),
    eventId: jsonPath.optional(),
  }),
  /** Values of the state field that mean down / up (compared as lower-case text). */
  downValues: z.array(z.string()).default(['down', 'firing', 'alerting', 'critical', 'failing', '0', 'false']),
  upValues: z.array(z.string()).default(['up', 'resolved', 'ok', 'success', '1', 'true']),
});
