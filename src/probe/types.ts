export type { ErrorClass, Finding } from '../correlate/observation.js';
export type { PhaseTimings, ProbeResult } from '../store/records.js';

/** What a probe gets besides its check. */
export interface ProbeContext {
  /** Aborted when picket stops or the check is removed. */
  signal?: AbortSignal;
  /** Folder that relative paths (`ca`) resolve against. */
  configDir: string;
  /** A named extra schedule of the kind (see `extraSchedules`), or undefined for the main one. */
  schedule?: string;
}
