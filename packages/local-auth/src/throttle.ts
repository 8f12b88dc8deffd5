// API Gateway's request throttling, as the local gateway applies it: a token bucket per route
// (the stage's default figures, or the route's own where the stage overrides them), `burst`
// tokens deep and refilled at `rate` tokens a second; a request takes one token or is refused.
// Written here because the figures and the per-route rule are API Gateway's (an HTTP API
// stage's DefaultRouteSettings and RouteSettings), which no rate-limiting library models: they
// limit per client or per key, with their own windows.

export interface ThrottleLimit {
  /** Steady state: tokens added per second (ThrottlingRateLimit). */
  rate: number;
  /** Bucket depth: requests that may arrive at once (ThrottlingBurstLimit). */
  burst: number;
}

export interface ThrottleSettings {
  /** Every route's limit unless `routes` names it (DefaultRouteSettings). */
  default: ThrottleLimit;
  /** Per route key ("POST /projects"), as the stage's RouteSettings. */
  routes?: Readonly<Record<string, ThrottleLimit>>;
}

export class ThrottleSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThrottleSettingsError';
  }
}

function checkedLimit(where: string, limit: ThrottleLimit): ThrottleLimit {
  const { rate, burst } = limit ?? {};
  if (!(typeof rate === 'number' && rate > 0) || !(Number.isInteger(burst) && burst >= 1)) {
    throw new ThrottleSettingsError(
      `${where}: rate must be a number above 0 and burst a whole number of at least 1 (got ${JSON.stringify(limit)})`,
    );
  }
  return { rate, burst };
}

class TokenBucket {
  #tokens: number;
  #filledAt: number;

  constructor(
    readonly limit: ThrottleLimit,
    now: number,
  ) {
    this.#tokens = limit.burst;
    this.#filledAt = now;
  }

  /** Takes a token: 0 when there was one, else the seconds until there is. */
  take(now: number): number {
    const { rate, burst } = this.limit;
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#filledAt) / 1_000) * rate);
    this.#filledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return (1 - this.#tokens) / rate;
  }
}

/** The buckets of one stage; `now` in milliseconds (a test passes its own clock). */
export class Throttle {
  readonly settings: ThrottleSettings;
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: () => number;

  constructor(settings: ThrottleSettings, now: () => number = () => performance.now()) {
    this.settings = {
      default: checkedLimit('default', settings.default),
      routes: Object.fromEntries(Object.entries(settings.routes ?? {}).map(([key, limit]) => [key, checkedLimit(key, limit)])),
    };
    this.#now = now;
  }

  /** The limit a route runs under. */
  limitOf(routeKey: string): ThrottleLimit {
    return this.settings.routes?.[routeKey] ?? this.settings.default;
  }

  /**
   * One request on the route: undefined when it may go on, else the whole seconds a client
   * should wait before a token is there again (Retry-After: at least 1).
   */
  admit(routeKey: string): number | undefined {
    const now = this.#now();
    let bucket = this.#buckets.get(routeKey);
    if (!bucket) this.#buckets.set(routeKey, (bucket = new TokenBucket(this.limitOf(routeKey), now)));
    const wait = bucket.take(now);
    // (less a nanosecond: 40.000000001 s of floating-point arithmetic is 40 s)
    return wait === 0 ? undefined : Math.max(1, Math.ceil(wait - 1e-9));
  }
}

/**
 * A stage's throttling as services/api/serverless.yml configures it (custom.throttle): the
 * stage's limit, and a tighter one for the routes whose method writes. The Serverless plugin
 * that puts it in the packaged template (services/api/sls/route-throttling.cjs) reads the same
 * configuration with the same rule.
 */
export interface StageThrottleConfig {
  rate: number;
  burst: number;
  writes?: ThrottleLimit & { methods: readonly string[] };
}

/** The limits of each route key ("POST /projects") of a stage configured as `config`. */
export function stageThrottleSettings(config: StageThrottleConfig, routeKeys: readonly string[]): ThrottleSettings {
  const { writes } = config;
  const writeRoutes = writes ? routeKeys.filter((key) => writes.methods.includes(key.split(' ')[0]!)) : [];
  return {
    default: { rate: config.rate, burst: config.burst },
    routes: Object.fromEntries(writeRoutes.map((key) => [key, { rate: writes!.rate, burst: writes!.burst }])),
  };
}
