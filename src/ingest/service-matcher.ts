import type { ExternalEvent } from '../correlate/observation.js';
import { keepingLast } from '../keeping-last.js';

/** Telemetry routes that no service claims are counted under this service. */
export const UNROUTED_SERVICE = 'other';

interface ServiceRoutes {
  name: string;
  patterns: RegExp[];
}

const ROUTE_CACHE_LIMIT = 10_000;

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** `https://API.example.com/health/` and `https://api.example.com/health` are the same monitor. */
export function normalizeUrl(url: string): string {
  return normalized(url, parsedUrl(url));
}

/** `normalizeUrl` for a URL the caller has parsed already (`parsed` undefined: it is not one). */
function normalized(url: string, parsed: URL | undefined): string {
  return parsed ? `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, '')}${parsed.search}` : url.trim();
}

function parsedUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Assigns external events and telemetry to services: events by the monitors each service lists (by monitor id,
 * URL or name), telemetry by route pattern. Config order decides between overlapping patterns.
 */
export class ServiceMatcher {
  private readonly monitors = new Map<string, string>();
  private readonly routes: ServiceRoutes[];
  private readonly routeCache = new Map<string, string>();
  private readonly names: Set<string>;

  /** `unrouted` names the service of a route no pattern claims. */
  constructor(
    services: Record<string, { routes: string[]; monitors: string[] }>,
    private readonly unrouted: (route: string) => string = () => UNROUTED_SERVICE,
  ) {
    this.names = new Set(Object.keys(services));
    for (const [name, s] of Object.entries(services)) {
      for (const m of s.monitors) {
        this.monitors.set(m, name);
        this.monitors.set(normalizeUrl(m), name);
      }
    }
    this.routes = Object.entries(services).map(([name, s]) => ({ name, patterns: s.routes.map(globToRegExp) }));
  }

  /** The service of an external event; unmatched events get one named after the URL host, flagged as derived. */
  forEvent(e: ExternalEvent): { service: string; derived: boolean } {
    if (e.serviceHint && this.names.has(e.serviceHint)) return { service: e.serviceHint, derived: false };
    const asSent = this.listed(e.monitorKey) ?? this.listed(e.url);
    if (asSent) return { service: asSent, derived: false };
    // Parsed only when the id and the URL as sent are not listed (most events of a configured monitor stop above), and
    // then once, for both the normalized URL and the host of a derived service.
    const url = e.url ? parsedUrl(e.url) : undefined;
    const loosely = this.listed(e.url && normalized(e.url, url)) ?? this.listed(e.name);
    if (loosely) return { service: loosely, derived: false };
    return { service: url?.hostname ?? e.serviceHint ?? e.name ?? e.monitorKey, derived: true };
  }

  private listed(key: string | undefined): string | undefined {
    return key ? this.monitors.get(key) : undefined;
  }

  /** The service of a telemetry route. Records come in runs of one route, so the last answer is kept at hand. */
  readonly forRoute = keepingLast((route: string): string => {
    const cached = this.routeCache.get(route);
    if (cached) return cached;
    const service = this.routes.find((s) => s.patterns.some((p) => p.test(route)))?.name ?? this.unrouted(route);
    if (this.routeCache.size >= ROUTE_CACHE_LIMIT) this.routeCache.clear();
    this.routeCache.set(route, service);
    return service;
  });
}
