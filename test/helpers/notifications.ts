import type { Notification, IncidentFacts } from '../../src/notify/notification.js';

export function facts(over: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    id: 12,
    class: 'attack.credential_stuffing',
    title: 'possible credential stuffing',
    severity: 'critical',
    service: 'auth',
    state: 'open',
    summary: 'auth: 3120 failed logins on ~2950 users from ~840 IPs in 15 min, 98 % from IPs never seen before',
    openedAt: Date.parse('2026-11-23T20:00:00Z'),
    evidence: {
      ips: [{ key: '203.0.113.9', count: 120 }, { key: '198.51.100.77', count: 80 }],
      users: [{ key: 'alice@example.com', count: 3 }],
      asns: [{ key: 9009, count: 900 }],
      statuses: { '401': 3100, '200': 20 },
      checks: [{ id: 'auth-login', state: 'down', error: 'status', message: 'login failed: HTTP 503' }],
    },
    url: 'http://127.0.0.1:8787/incidents/12',
    ...over,
  };
}

export function page(over: Partial<Notification> = {}): Notification {
  return { kind: 'page', key: '12|page:critical:0|slack-sec', createdAt: Date.parse('2026-11-23T20:00:05Z'), level: 0, incident: facts(), ...over };
}
