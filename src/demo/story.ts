import { DEMO_USERS, type DemoApi } from './demo-api.js';

export interface StoryStep {
  at: number;
  say: string;
  act(world: StoryWorld): void;
}

export interface StoryWorld {
  api: DemoApi;
  attack: boolean;
}

const S = 1000;
const CUSTOMERS = Object.keys(DEMO_USERS).filter((u) => u.startsWith('customer'));
const VICTIM = 'dormant@example.com';
/** Documentation address ranges (RFC 5737): the attackers' rotating pool. */
const ATTACKER_IPS = Array.from({ length: 60 }, (_, i) => (i < 30 ? `203.0.113.${10 + i}` : `198.51.100.${10 + i}`));
const OFFICE_IPS = Array.from({ length: 12 }, (_, i) => `10.20.0.${i + 2}`);

/** The scripted two minutes: benign traffic, a credential-stuffing wave, the login service going down, recovery. */
export const STORY: StoryStep[] = [
  { at: 0, say: 'customers log in and list their orders (about 4 requests a second)', act: () => undefined },
  {
    at: 15 * S,
    say: 'a credential-stuffing wave starts: 60 rotating IPs try a leaked list of 1,000 accounts, once each',
    act: (w) => (w.attack = true),
  },
  { at: 45 * S, say: 'the wave stops; the login service goes down (its database pool is exhausted)', act: (w) => ((w.attack = false), (w.api.loginDown = true)) },
  { at: 75 * S, say: 'the login service recovers', act: (w) => (w.api.loginDown = false) },
  { at: 115 * S, say: 'the story is over; picket keeps watching. Ctrl-C stops everything', act: () => undefined },
];

async function send(url: string, init: RequestInit & { headers: Record<string, string> }): Promise<{ status: number; text: string } | null> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(3_000) });
    return { status: res.status, text: await res.text() };
  } catch {
    return null;
  }
}

const login = (api: DemoApi, ip: string, username: string, password: string, ua: string) =>
  send(`${api.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'user-agent': ua },
    body: JSON.stringify({ username, password }),
  });

/**
 * Plays the story against the demo API: steps at their times, benign traffic throughout, attack traffic while the
 * wave lasts. `say` prints the narration.
 */
export function playStory(api: DemoApi, say: (line: string) => void): { stop(): void } {
  const world: StoryWorld = { api, attack: false };
  const timers: NodeJS.Timeout[] = [];
  let n = 0;
  let leaked = 0;
  for (const step of STORY) {
    timers.push(
      setTimeout(() => {
        say(`${String(Math.round(step.at / S)).padStart(3)} s  ${step.say}`);
        step.act(world);
      }, step.at),
    );
  }
  // A customer logs in (one in twenty mistypes the password) and lists orders.
  timers.push(
    setInterval(() => {
      const i = n++ % CUSTOMERS.length;
      const user = CUSTOMERS[i]!;
      const ip = OFFICE_IPS[i % OFFICE_IPS.length]!;
      const password = n % 20 === 0 ? 'typo' : DEMO_USERS[user]!;
      void login(api, ip, user, password, 'Mozilla/5.0 (demo customer)').then(async (res) => {
        if (res?.status !== 200) return;
        const token = /"token":"(\w+)"/.exec(res.text)?.[1];
        await send(`${api.url}/api/orders`, { headers: { authorization: `Bearer ${token ?? ''}`, 'x-forwarded-for': ip } });
      });
    }, 500),
  );
  // The wave: ten tries a second from the rotating pool, each against a different account from the leaked list; one
  // leaked password is real, so an account is taken over.
  timers.push(
    setInterval(() => {
      if (!world.attack) return;
      for (let k = 0; k < 5; k++) {
        leaked++;
        const ip = ATTACKER_IPS[leaked % ATTACKER_IPS.length]!;
        const takeover = leaked === 150;
        const user = takeover ? VICTIM : `user${(leaked * 7919) % 1000}@mail.test`;
        void login(api, ip, user, takeover ? DEMO_USERS[user]! : `Summer20${leaked % 30}!`, 'python-requests/2.31.0');
      }
    }, 500),
  );
  return {
    stop() {
      for (const t of timers) clearTimeout(t);
    },
  };
}
