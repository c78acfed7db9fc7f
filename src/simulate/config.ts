import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigOrThrow, type PicketConfig } from '../config/load.js';

/** The picket.yaml the simulated API would have: its services, probes, the monitor webhook source, the crawler. */
export const SIMULATION_CONFIG = `# picket configuration of the simulated API (written by picket simulate)
services:
  auth: { name: Authentication, routes: ["/auth/*"] }
  orders: { name: Orders, routes: ["/v1/orders*"], monitors: ["m-orders"] }
  catalog: { name: Catalog, routes: ["/v1/products*"] }
  account: { name: Account, routes: ["/v1/profile*", "/v1/export*"] }
sources:
  lagnis: { format: lagnis, auth: { type: none } }
crawlers:
  - { name: googlebot, asns: [15169], userAgent: "Googlebot" }
# Pages go to one pager; replay counts what it would have sent and sends nothing.
channels:
  pager: { type: console }
escalation:
  policies:
    default: [ { after: 0s, notify: [pager] }, { after: 15m, notify: [pager] } ]
  repeat: 1h
`;

export const SIMULATION_CHECKS = `- id: auth-login
  service: auth
  kind: auth-login
  url: https://api.example.com/auth/login
  interval: 10s
  credentials: { username: probe@example.com, password: "\${PROBE_PASS:-simulated}" }
  expect: { tokenPath: $.token }
- id: orders-health
  service: orders
  kind: http
  url: https://api.example.com/v1/orders/health
  interval: 10s
`;

/** Writes picket.yaml and checks/simulated.yaml into `dir` and returns the path of picket.yaml. */
export function writeSimulationConfig(dir: string): string {
  mkdirSync(path.join(dir, 'checks'), { recursive: true });
  writeFileSync(path.join(dir, 'picket.yaml'), SIMULATION_CONFIG);
  writeFileSync(path.join(dir, 'checks', 'simulated.yaml'), SIMULATION_CHECKS);
  return path.join(dir, 'picket.yaml');
}

/** The simulation's config, loaded through the real loader. */
export function simulationConfig(): PicketConfig {
  const dir = mkdtempSync(path.join(tmpdir(), 'picket-sim-'));
  try {
    return loadConfigOrThrow(writeSimulationConfig(dir), { env: {} });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
