import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig, type PicketConfig } from '../config/load.js';
import { formatIssue } from '../config/issues.js';
import { channelSchema } from '../config/schema.js';
import { startDemoApi } from '../demo/demo-api.js';
import { seedDemoHistory } from '../demo/history.js';
import { playStory } from '../demo/story.js';
import { createLogger } from '../log.js';
import { startRuntime } from '../runtime.js';
import { runUntilSignal } from './process.js';

/** The package's own picket.yaml (and checks/ beside it), from both src/ and dist/. */
const BUNDLED_CONFIG = fileURLToPath(new URL('../../picket.yaml', import.meta.url));

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the bundled demo: a small API, picket watching it, and a two-minute story of an attack and an outage')
    .option('-c, --config <file>', 'configuration to run the demo with', BUNDLED_CONFIG)
    .option('--api-port <port>', 'port of the demo API (a free one when taken)', process.env.DEMO_API_PORT ?? '8788')
    .option('--no-story', 'only start the demo API and picket, without the scripted traffic')
    .option('--no-history', 'start with empty history instead of 90 made-up days')
    .action(async (opts: { config: string; apiPort: string; story: boolean; history: boolean }, cmd: Command) => {
      const explicitLevel = cmd.parent?.getOptionValueSource('logLevel') !== 'default';
      const logger = createLogger({ level: explicitLevel ? cmd.optsWithGlobals<{ logLevel: string }>().logLevel : 'error' });
      const say = (line: string) => process.stdout.write(`demo  ${line}\n`);
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'picket-demo-'));
      await runUntilSignal(logger, async () => {
        const api = await startDemoApi({ port: Number(opts.apiPort) });
        const loaded = loadConfig(opts.config, { env: { ...process.env, DEMO_API_URL: api.url } });
        if (!loaded.ok) {
          await api.close();
          throw new Error(`the demo configuration has errors:\n${loaded.issues.map(formatIssue).join('\n')}`);
        }
        const config = loaded.config;
        config.storage.path = path.join(dataDir, 'picket.db');
        if (!(await portFree(config.server.host, config.server.port))) config.server.port = 0;
        addChannelsFromEnv(config);
        const runtime = await startRuntime(config, { logger });
        if (opts.history) {
          const keys = runtime.runner.checks.map((c) => ({ key: runtime.store.checkHistory.get(c.id)!.key, baseMs: c.kind === 'auth-login' ? 40 : 8 }));
          seedDemoHistory(runtime.store.checks, keys, Date.now());
        }
        // The demo's built-in token is shown; one the user set in the environment is theirs and stays secret.
        const token = process.env.PICKET_ADMIN_TOKEN ? 'from $PICKET_ADMIN_TOKEN' : config.server.adminToken?.reveal();
        say(`dashboard: ${runtime.http.url}/${token ? `   (admin token for the ack and resolve buttons: ${token})` : ''}`);
        say(`demo API:  ${api.url}   picket's data: ${dataDir} (removed on exit${opts.history ? '; 90 days of made-up history to fill the charts' : ''})`);
        say(`pages go to: ${Object.keys(config.channels).join(', ')}`);
        api.attachTelemetry(runtime.http.url, config.telemetry.token?.reveal() ?? '');
        const story = opts.story ? playStory(api, say) : null;
        return {
          reload: () => runtime.reload(),
          async stop() {
            story?.stop();
            await api.close();
            await runtime.stop();
            rmSync(dataDir, { recursive: true, force: true });
            say('stopped');
          },
        };
      });
      rmSync(dataDir, { recursive: true, force: true });
    });
}

function portFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Slack and email join every escalation level when SLACK_WEBHOOK_URL or SMTP_URL is set, so a real page arrives. */
function addChannelsFromEnv(config: PicketConfig): void {
  const added: string[] = [];
  const slack = process.env.SLACK_WEBHOOK_URL;
  if (slack) {
    config.channels.slack = channelSchema.parse({ type: 'slack', url: slack }) as PicketConfig['channels'][string];
    added.push('slack');
  }
  const smtp = process.env.SMTP_URL;
  if (smtp) {
    const u = new URL(smtp);
    config.channels.email = channelSchema.parse({
      type: 'email',
      smtp: { host: u.hostname, port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)), secure: u.protocol === 'smtps:', user: u.username ? decodeURIComponent(u.username) : undefined, password: u.password ? decodeURIComponent(u.password) : undefined },
      from: process.env.SMTP_FROM ?? 'picket-demo@localhost',
      to: [process.env.SMTP_TO ?? 'oncall@localhost'],
    }) as PicketConfig['channels'][string];
    added.push('email');
  }
  for (const levels of Object.values(config.escalation.policies)) for (const level of levels) level.notify.push(...added);
}
