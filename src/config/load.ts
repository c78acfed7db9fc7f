import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { Check } from '../probe/index.js';
import { crossCheck } from './cross-check.js';
import { interpolateEnv, type ConfigPath, type InterpolationError } from './interpolate.js';
import { ConfigError, formatPath, sortIssues, type ConfigIssue } from './issues.js';
import { checkSchema, picketFileSchema, type PicketFile } from './schema.js';
import { YamlFile } from './yaml-file.js';

export interface PicketConfig extends PicketFile {
  /** Absolute path of picket.yaml; relative paths in it resolve against its folder. */
  file: string;
  dir: string;
  checks: Check[];
  /** Where each check was defined, for messages that point at it. */
  checkOrigins: Map<string, { file: string; line: number }>;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Base for the file names in messages; default the working directory. */
  cwd?: string;
}

export type LoadResult = { ok: true; config: PicketConfig } | { ok: false; issues: ConfigIssue[] };

export interface CheckFile {
  yaml: YamlFile;
  /** Valid checks with their index in the file. */
  checks: { index: number; check: Check }[];
  /** Every id written in the file, valid check or not, so duplicates are found either way. */
  ids: { index: number; id: string }[];
}

/** Loads picket.yaml and every checks/*.yaml, reporting every problem in every file at once. */
export function loadConfig(configFile: string, opts: LoadOptions = {}): LoadResult {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const file = path.resolve(cwd, configFile);
  const dir = path.dirname(file);
  const display = (f: string) => {
    const rel = path.relative(cwd, f);
    return rel === '' || rel.startsWith('..') ? f : rel;
  };
  const issues: ConfigIssue[] = [];

  const mainYaml = YamlFile.read(file, display(file), issues);
  const mainValue = mainYaml ? validate(mainYaml, mainYaml.value ?? {}, picketFileSchema, env, issues, '', []) : null;

  const written = isRecord(mainYaml?.value) && 'checksDir' in mainYaml.value;
  const checksDir = path.resolve(dir, mainValue?.checksDir ?? (written ? String((mainYaml!.value as Record<string, unknown>).checksDir) : './checks'));
  const checkFiles = listYamlFiles(checksDir, issues, mainYaml, written).map((f) => readCheckFile(f, display(f), env, issues));

  const checks: Check[] = [];
  const checkOrigins = new Map<string, { file: string; line: number }>();
  const duplicates = new Set<string>();
  for (const { yaml, ids } of checkFiles.filter((c): c is CheckFile => c !== null)) {
    for (const { index, id } of ids) {
      const first = checkOrigins.get(id);
      if (first) {
        issues.push(at(yaml, [index, 'id'], `duplicate check id "${id}" (first defined at ${first.file}:${first.line})`, 'checks'));
        duplicates.add(`${yaml.file}#${index}`);
        continue;
      }
      checkOrigins.set(id, { file: yaml.file, line: yaml.lineOf([index]) });
    }
  }
  for (const { yaml, checks: list } of checkFiles.filter((c): c is CheckFile => c !== null)) {
    for (const { index, check } of list) if (!duplicates.has(`${yaml.file}#${index}`)) checks.push(check);
  }

  if (mainValue && mainYaml) {
    issues.push(...crossCheck(mainValue, mainYaml, checkFiles.filter((c): c is CheckFile => c !== null)));
  }
  if (issues.length > 0 || !mainValue) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, config: { ...mainValue, file, dir, checks, checkOrigins } };
}

/** Like loadConfig, but throws a ConfigError listing every issue. */
export function loadConfigOrThrow(configFile: string, opts: LoadOptions = {}): PicketConfig {
  const result = loadConfig(configFile, opts);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}

/** Each check is validated on its own, so one broken check does not hide the others' problems. */
function readCheckFile(file: string, displayName: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[]): CheckFile | null {
  const yaml = YamlFile.read(file, displayName, issues, 'checks');
  if (!yaml) return null;
  const list = yaml.value ?? [];
  if (!Array.isArray(list)) {
    issues.push(at(yaml, [], 'a check file is a list of checks (each item starts with "- id: …")', 'checks'));
    return null;
  }
  const checks: CheckFile['checks'] = [];
  const ids: CheckFile['ids'] = [];
  list.forEach((item, index) => {
    if (isRecord(item) && typeof item.id === 'string') ids.push({ index, id: item.id });
    const check = validate(yaml, item, checkSchema, env, issues, 'checks', [index]);
    if (check) checks.push({ index, check: check as Check });
  });
  return { yaml, checks, ids };
}

function validate<S extends z.ZodType>(
  yaml: YamlFile,
  raw: unknown,
  schema: S,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  root: string,
  base: ConfigPath,
): z.output<S> | null {
  const envErrors: InterpolationError[] = [];
  const value = interpolateEnv(raw, env, envErrors, base);
  for (const e of envErrors) issues.push(at(yaml, e.path, e.message, root));
  const result = schema.safeParse(value);
  if (!result.success) {
    const reported = new Set(envErrors.map((e) => formatPath(e.path)));
    for (const issue of result.error.issues) {
      const issuePath = [...base, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
      if (reported.has(formatPath(issuePath))) continue;
      issues.push(...fromZod(yaml, issue, issuePath, root, value, base.length));
    }
    return null;
  }
  return envErrors.length > 0 ? null : result.data;
}

function fromZod(yaml: YamlFile, issue: z.core.$ZodIssue, path: ConfigPath, root: string, value: unknown, baseLength: number): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      file: yaml.file,
      line: yaml.lineOf(path, key),
      path: formatPath([...path, key], root),
      message: 'unknown key (misspelled? unknown keys are not ignored)',
    }));
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const found = valueAt(value, path.slice(baseLength));
    const listed = (issue as { options?: unknown }).options;
    const options = Array.isArray(listed) ? listed.map(String).join(', ') : '';
    const what = found === undefined ? `missing ${issue.discriminator}` : `unknown ${issue.discriminator} "${String(found)}"`;
    return [at(yaml, path, `${what} (one of: ${options})`, root)];
  }
  const message = issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'required' : issue.message;
  return [at(yaml, path, message, root)];
}

export function at(yaml: YamlFile, path: ConfigPath, message: string, root: string): ConfigIssue {
  return { file: yaml.file, line: yaml.lineOf(path), path: formatPath(path, root), message };
}

function valueAt(value: unknown, path: ConfigPath): unknown {
  let node = value;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A missing default `./checks` means no checks; a missing folder that the file names is an error. */
function listYamlFiles(dir: string, issues: ConfigIssue[], yaml: YamlFile | null, written: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !written) return [];
    if (yaml) issues.push(at(yaml, ['checksDir'], `cannot read folder ${dir}: ${code ?? (err as Error).message}`, ''));
    return [];
  }
  return names
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort()
    .map((n) => path.join(dir, n))
    .filter((f) => statSync(f).isFile());
}
