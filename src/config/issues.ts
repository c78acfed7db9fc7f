import type { ConfigPath } from './interpolate.js';

/** One problem in a config file, located by line and by the path of the field. */
export interface ConfigIssue {
  file: string;
  line: number;
  path: string;
  message: string;
}

/** `picket.yaml`'s `a.b[2].c` notation; the empty path is the document itself. */
export function formatPath(path: ConfigPath, root = ''): string {
  let out = root;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(document)' : out;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}: ${issue.path}: ${issue.message}`;
}

export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.path.localeCompare(b.path));
}

/** Thrown when configuration cannot be used; carries every issue found, not only the first. */
export class ConfigError extends Error {
  readonly code = 'PICKET_CONFIG_INVALID';

  constructor(readonly issues: ConfigIssue[]) {
    super(`configuration has ${issues.length} error${issues.length === 1 ? '' : 's'}:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ConfigError';
  }
}
