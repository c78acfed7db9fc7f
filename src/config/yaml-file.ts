import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigPath } from './interpolate.js';
import { formatPath, type ConfigIssue } from './issues.js';

/** A parsed YAML file that can answer "which line holds this path?". */
export class YamlFile {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document.Parsed | null,
    private readonly lines: LineCounter,
  ) {}

  /** Reads and parses; syntax errors are returned as issues rather than thrown. */
  static read(file: string, displayName: string, issues: ConfigIssue[], root = ''): YamlFile | null {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      issues.push({ file: displayName, line: 1, path: '(file)', message: `cannot read: ${reason}` });
      return null;
    }
    return YamlFile.parse(text, displayName, issues, root);
  }

  static parse(text: string, displayName: string, issues: ConfigIssue[], root = ''): YamlFile | null {
    const lines = new LineCounter();
    // Duplicate keys are found below rather than by the parser, which reports them without the key's line.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        issues.push({
          file: displayName,
          line: err.linePos?.[0].line ?? 1,
          path: '(syntax)',
          message: err.message.split('\n')[0] ?? err.message,
        });
      }
      return null;
    }
    const before = issues.length;
    findDuplicateKeys(doc.contents, [], (node, path) =>
      issues.push({
        file: displayName,
        line: lines.linePos((node as Node).range?.[0] ?? 0).line,
        path: formatPath(path, root),
        message: 'duplicate key (the later value would silently win)',
      }),
    );
    if (issues.length > before) return null;
    return new YamlFile(displayName, doc.toJS({ maxAliasCount: 100 }), doc, lines);
  }

  /**
   * The 1-based line of the node at `path`; for a path that does not exist (a missing key), the line of the
   * nearest ancestor that does. With `key`, the line of that key inside the map at `path`.
   */
  lineOf(path: ConfigPath, key?: string): number {
    if (!this.doc) return 1;
    let node: unknown = this.doc.contents;
    let line = this.lineAt(node) ?? 1;
    for (const part of path) {
      const next = child(node, part);
      if (next === undefined) return line;
      node = next.value;
      line = this.lineAt(node) ?? this.lineAt(next.key) ?? line;
    }
    if (key !== undefined) {
      const pair = child(node, key);
      if (pair) return this.lineAt(pair.key) ?? line;
    }
    return line;
  }

  private lineAt(node: unknown): number | undefined {
    const range = (node as Node | null)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }
}

function child(node: unknown, part: string | number): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k = isScalar(item.key) ? item.key.value : item.key;
      if (String(k) === String(part)) return { key: item.key, value: item.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof part === 'number') {
    const value = node.items[part];
    return value === undefined ? undefined : { key: undefined, value };
  }
  return undefined;
}

function findDuplicateKeys(node: unknown, path: ConfigPath, report: (key: unknown, path: ConfigPath) => void): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = String(isScalar(item.key) ? item.key.value : item.key);
      if (seen.has(key)) report(item.key, [...path, key]);
      seen.add(key);
      findDuplicateKeys(item.value, [...path, key], report);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => findDuplicateKeys(item, [...path, i], report));
  }
}
