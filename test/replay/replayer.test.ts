import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Replayer } from '../../src/replay/replayer.js';
import { tempDir } from '../helpers/temp.js';

const T0 = Date.parse('2026-11-23T20:00:00Z');

describe('Replayer.replayFile', () => {
  it('reads every line whole across read chunks: multi-byte text, a line longer than a chunk, CRLF, blank lines, no final newline', async () => {
    const lines: string[] = [];
    // About 1 MB of reads whose text is mostly multi-byte, so chunk boundaries fall inside characters.
    for (let i = 0; i < 3_000; i++) {
      lines.push(JSON.stringify({ ts: T0 + i * 100, method: 'GET', route: '/v1/orders/:id', path: `/v1/orders/${i}`, status: 200, ip: `198.51.100.${(i % 200) + 1}`, auth: 'none', ua: 'Ünïcødé-Client/1.0 (日本語; Ελληνικά; ' + 'ü'.repeat(i % 97) + ')' }));
      if (i % 500 === 0) lines.push('');
    }
    lines.push(JSON.stringify({ ts: T0 + 300_000, method: 'GET', route: '/v1/orders/:id', status: 200, ip: '198.51.100.250', auth: 'none', ua: 'ß'.repeat(700_000) }));
    // A credential-stuffing burst whose evidence names users with non-ASCII letters.
    for (let i = 0; i < 30; i++) {
      lines.push(JSON.stringify({ ts: T0 + 400_000 + i * 5_000, method: 'POST', route: '/auth/login', status: 401, ip: '203.0.113.9', user: `jürgen${i}@example.com`, auth: 'failure', asn: 9009 }));
    }
    const file = path.join(tempDir(), 'traffic.ndjson');
    writeFileSync(file, lines.join('\r\n'));

    const replayer = new Replayer();
    const incidents = await replayer.replayFile(file);
    await replayer.close();

    expect(replayer.stats).toEqual({ records: 3_031, rejected: 0, byType: { request: 3_031 } });
    const stuffing = incidents.find((i) => i.class === 'attack.credential_stuffing');
    expect(stuffing?.evidence.ips).toEqual(['203.0.113.9']);
    expect(stuffing!.evidence.users.length).toBeGreaterThan(0);
    for (const user of stuffing!.evidence.users) expect(user).toMatch(/^jürgen\d+@example\.com$/);
  });

  it('counts a line that is not JSON as rejected and goes on', async () => {
    const file = path.join(tempDir(), 'traffic.ndjson');
    const ok = JSON.stringify({ ts: T0, route: '/v1/x', status: 200, ip: '198.51.100.1' });
    writeFileSync(file, `${ok}\n{"ts": \n${ok}\n`);
    const replayer = new Replayer();
    await replayer.replayFile(file);
    await replayer.close();
    expect(replayer.stats).toEqual({ records: 3, rejected: 1, byType: { request: 2 } });
  });
});
