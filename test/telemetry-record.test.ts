import { describe, expect, it } from 'vitest';
import { collapsePath, digitsValue, isDigits, resourceOf, validateRecord } from '../src/telemetry-record.js';

const serviceOf = (route: string) => (route.startsWith('/auth') ? 'auth' : 'api');
const base = { ts: Date.UTC(2026, 10, 30, 12), status: 200, ip: '198.51.100.7' };

describe('validateRecord', () => {
  it('makes an observation with the method and country in upper case, whether or not they were', () => {
    for (const [method, country] of [
      ['get', 'de'],
      ['GET', 'DE'],
      ['Get', 'dE'],
    ]) {
      const o = validateRecord({ ...base, route: '/v1/orders/:id', method, country }, serviceOf);
      expect(o).toMatchObject({ type: 'request', service: 'api', method: 'GET', country: 'DE', auth: 'none' });
    }
    expect(validateRecord({ ...base, route: '/auth/login', method: 'post', country: 'ßw' }, serviceOf)).toMatchObject({ service: 'auth', method: 'POST', country: 'SSW' });
  });

  it('keeps the id-like segment of the path as the resource, before any query or fragment', () => {
    const o = validateRecord({ ...base, path: '/v1/orders/4711?expand=items#top' }, serviceOf);
    expect(o).toMatchObject({ route: '/v1/orders/:id', resource: '4711' });
    expect(resourceOf('/v1/orders/4711#items?x')).toBe('4711');
    expect(resourceOf('/v1/orders?id=4711')).toBeUndefined();
    expect(collapsePath('/v1/users/0123456789abcdef0123/keys?x=1')).toBe('/v1/users/:id/keys');
    expect([isDigits('4711'), isDigits(''), isDigits('47a1'), isDigits('٣')]).toEqual([true, false, false, false]);
    expect([digitsValue('4711'), digitsValue('007'), digitsValue('9007199254740991')]).toEqual([4711, 7, 9007199254740991]);
    expect([digitsValue(''), digitsValue('-1'), digitsValue('1e3'), digitsValue(' 1')]).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('refuses records that lack a field or carry a wrong one, saying which', () => {
    expect(validateRecord({ ...base }, serviceOf)).toBe('route (or path) is required');
    expect(validateRecord({ ...base, route: '/x', ip: 'not-an-ip' }, serviceOf)).toBe('ip must be an IPv4 or IPv6 address');
    expect(validateRecord({ ...base, route: '/x', status: 700 }, serviceOf)).toBe('status must be an integer from 100 to 599');
    expect(validateRecord({ ...base, route: '/x', method: 7 }, serviceOf)).toBe('method must be text');
    expect(validateRecord({ ...base, route: '/x', ts: 1e308 }, serviceOf)).toBe('ts must be between the years 2000 and 2100');
    expect(validateRecord([base], serviceOf)).toBe('not a JSON object');
  });
});
