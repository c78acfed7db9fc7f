/** picket as a library: load a config and run it in-process, or ship telemetry from an app. */
export { loadConfig, loadConfigOrThrow, type PicketConfig } from './config/load.js';
export { startRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
export { createLogger } from './log.js';
export { createPicketTelemetry, PicketTelemetry, type PicketTelemetryOptions } from './plugin/index.js';
export type { Observation, ExternalEvent, RequestObservation, ProbeObservation, ExternalObservation } from './correlate/observation.js';
export type { TelemetryRecord } from './telemetry-record.js';
