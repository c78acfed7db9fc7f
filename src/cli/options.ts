import type { Command } from 'commander';
import { loadConfig, type PicketConfig } from '../config/load.js';
import { formatIssue } from '../config/issues.js';
import { createLogger, type Logger } from '../log.js';

export const DEFAULT_CONFIG = 'picket.yaml';

export function addConfigOption(cmd: Command): Command {
  return cmd.option('-c, --config <file>', 'picket.yaml to load', process.env.PICKET_CONFIG ?? DEFAULT_CONFIG);
}

/** Loads config for a command; prints every issue to stderr (unless told not to) and returns null when it is not usable. */
export function loadForCommand(file: string, opts: { report?: boolean } = {}): PicketConfig | null {
  const result = loadConfig(file);
  if (result.ok) return result.config;
  if (opts.report === false) return null;
  for (const issue of result.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  process.stderr.write(`${result.issues.length} configuration error${result.issues.length === 1 ? '' : 's'}; picket did not start\n`);
  return null;
}

export function loggerFor(cmd: Command): Logger {
  const { logLevel } = cmd.optsWithGlobals<{ logLevel?: string }>();
  return createLogger({ level: logLevel ?? 'info' });
}
