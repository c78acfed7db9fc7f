export type BodyKind = 'json' | 'form' | 'ndjson';

const NDJSON = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/jsonlines', 'application/x-jsonlines']);

/** The body kind a Content-Type names, ignoring parameters such as charset. */
export function bodyKind(contentType: string | undefined): BodyKind | undefined {
  const type = contentType?.split(';')[0]!.trim().toLowerCase();
  if (!type) return undefined;
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (NDJSON.has(type)) return 'ndjson';
  return undefined;
}
