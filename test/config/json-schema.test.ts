import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { checksJsonSchema, combinedJsonSchema, picketJsonSchema } from '../../src/config/json-schema.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });

describe('JSON Schema generated from the zod schemas', () => {
  it('accepts a valid picket.yaml and rejects a misspelled key', () => {
    const validate = ajv.compile(picketJsonSchema());
    const good = parse(`
server: { port: 8787, adminToken: "\${T}" }
services: { auth: { routes: ["/auth/*"] } }
sources: { lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, secret: "\${S}" } } }
channels: { console: { type: console } }
escalation: { policies: { default: [ { after: 0s, notify: [console] } ] } }
`);
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...good, sevrices: {} })).toBe(false);
    expect(validate({ sources: { x: { format: 'nope', auth: { type: 'none' } } } })).toBe(false);
  });

  it('accepts a valid check file and rejects an unknown kind', () => {
    const validate = ajv.compile(checksJsonSchema());
    const checks = [
      { id: 'a', service: 'auth', kind: 'http', url: 'https://x.example/health', interval: '5s', expect: { status: [200] } },
      { id: 'b', service: 'auth', kind: 'tls', host: 'x.example', warnDays: 30 },
    ];
    expect(validate(checks), JSON.stringify(validate.errors)).toBe(true);
    expect(validate([{ ...checks[0], kind: 'smtp' }])).toBe(false);
    expect(validate([{ ...checks[1], interval: 'often' }])).toBe(false);
  });

  it('has one combined schema that takes either file kind', () => {
    const validate = ajv.compile(combinedJsonSchema());
    expect(validate({ services: {} })).toBe(true);
    expect(validate([{ id: 'b', service: 'auth', kind: 'tls', host: 'x.example' }])).toBe(true);
    expect(validate('text')).toBe(false);
  });
});
