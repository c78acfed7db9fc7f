export type ConfigPath = (string | number)[];

export interface InterpolationError {
  path: ConfigPath;
  message: string;
}

const REFERENCE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of an already-parsed YAML value, so a secret with
 * YAML-special characters cannot change the document's structure. `$${VAR}` stays as the literal `${VAR}`.
 */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  errors: InterpolationError[],
  path: ConfigPath = [],
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, errors, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, errors, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateEnv(item, env, errors, [...path, key]);
    return out;
  }
  return value;
}

function interpolateString(
  text: string,
  env: NodeJS.ProcessEnv,
  errors: InterpolationError[],
  path: ConfigPath,
): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (whole, escaped: string | undefined, name: string, fallback: string | undefined) => {
    if (escaped) return whole.slice(1);
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') {
        return fromEnv;
    }
    if (fallback !== undefined) return fallback;
    errors.push({ path, message: `environment variable ${name} is not set (write \${${name}:-default} for a default)` });
    return '';
  });
}
