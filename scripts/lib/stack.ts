// The parts of the running local stack, and what a changed serverless.yml does to them:
// each service is reloaded on its own (the API's routes and functions, or the consumer's
// mapping), the data stack's table brought up to date; a configuration that does not resolve
// leaves the last good one running.
import inspector from 'node:inspector';
import { join, relative } from 'node:path';
import { stageThrottleSettings, Throttle, type AuthGateway, type StageThrottleConfig, type ThrottleSettings } from '@app/local-auth';
import { ensureTablesAt, readTableDefinitions, startLocalDynamoDB, throughputLimitsFromEnv, type LocalDynamoDB } from '@app/local-dynamodb';
import { ServiceConfigError, type FunctionSpec, type Watch } from '@app/local-lambda';
import { startLocalApi, type LocalApi } from './api.ts';
import { startConsumer, type LocalConsumer } from './consumer.ts';
import { functionEnv, type describeLocalEnv, type LocalEnv } from './local-env.ts';
import { openService, type LocalService } from './service.ts';

/** What a parent process learns (IPC), instead of reading npm start's output. */
export type StartMessage =
  | {
      type: 'ready';
      apiUrl: string;
      dbEndpoint: string;
      apiReadyMs: number;
      consumerReadyMs: number;
      /** The folders and ports it resolved from the environment (lib/local-env.ts). */
      layout: ReturnType<typeof describeLocalEnv>;
      /** The limits the gateway enforces (services/api/serverless.yml, custom.throttle); null when none are configured. */
      throttle: ThrottleSettings | null;
    }
  | { type: 'reloaded'; service: string; functions: string[]; ok: boolean; ms: number }
  | { type: 'configured'; service: string; ok: boolean }
  | { type: 'failed'; message: string };

export type ServiceName = 'api' | 'stream-consumer';

/** What changed between two sets of functions, in words: routes and functions added, removed or changed. */
export function describeConfigChange(
  before: readonly FunctionSpec[],
  after: readonly FunctionSpec[],
  beforeDefinitions: Record<string, { events?: unknown }> = {},
  afterDefinitions: Record<string, { events?: unknown }> = {},
): string {
  const routes = (fns: readonly FunctionSpec[]) => new Set(fns.flatMap((fn) => fn.routes.map((route) => `${route.routeKey}`)));
  const [oldRoutes, newRoutes] = [routes(before), routes(after)];
  const oldFunctions = new Map(before.map((fn) => [fn.name, JSON.stringify(fn)]));
  const parts: string[] = [];
  const added = [...newRoutes].filter((r) => !oldRoutes.has(r));
  const removed = [...oldRoutes].filter((r) => !newRoutes.has(r));
  if (added.length) parts.push(`routes added: ${added.join(', ')}`);
  if (removed.length) parts.push(`routes removed: ${removed.join(', ')}`);
  const newNames = new Set(after.map((fn) => fn.name));
  const gone = before.filter((fn) => !newNames.has(fn.name)).map((fn) => fn.name);
  const born = after.filter((fn) => !oldFunctions.has(fn.name)).map((fn) => fn.name);
  const changed = after.filter((fn) => oldFunctions.has(fn.name) && oldFunctions.get(fn.name) !== JSON.stringify(fn)).map((fn) => fn.name);
  if (born.length) parts.push(`functions added: ${born.join(', ')}`);
  if (gone.length) parts.push(`functions removed: ${gone.join(', ')}`);
  if (changed.length) parts.push(`settings changed: ${changed.join(', ')}`);
  const events = after
    .filter((fn) => oldFunctions.has(fn.name))
    .filter((fn) => JSON.stringify(beforeDefinitions[fn.name]?.events) !== JSON.stringify(afterDefinitions[fn.name]?.events))
    .filter((fn) => !changed.includes(fn.name))
    .map((fn) => fn.name);
  if (events.length && !added.length && !removed.length) parts.push(`events changed: ${events.join(', ')}`);
  return parts.length ? parts.join('; ') : 'no change to its functions or routes';
}

export class LocalStack {
  readonly layout: LocalEnv;
  readonly log: (line: string) => void;
  db: LocalDynamoDB | undefined;
  /** Known before the database listens: its port is fixed, or the endpoint given. */
  readonly endpoint: string;
  api: LocalApi | undefined;
  apiService: LocalService | undefined;
  #throttle: { of: LocalApi; throttle: Throttle | undefined } | undefined;
  consumerService: LocalService | undefined;
  consumer: LocalConsumer | undefined;
  gateway: AuthGateway | undefined;
  watch: Watch | undefined;

  constructor(layout: LocalEnv, log: (line: string) => void) {
    this.layout = layout;
    this.log = log;
    this.endpoint = layout.externalEndpoint ?? `http://127.0.0.1:${layout.dbPort}`;
  }

  functionEnv(): Record<string, string> {
    return functionEnv(this.endpoint);
  }

  async startDatabase(): Promise<void> {
    const { layout } = this;
    const tables = await readTableDefinitions(join(layout.rootDir, 'serverless.yml'), { stage: layout.stage });
    if (layout.externalEndpoint) {
      this.log(`DynamoDB: using ${layout.externalEndpoint} (DYNAMODB_ENDPOINT)`);
      await ensureTablesAt(layout.externalEndpoint, tables);
    } else {
      const throughputLimits = throughputLimitsFromEnv(); // DB_THROUGHPUT_LIMITS
      this.db = await startLocalDynamoDB({
        port: layout.dbPort,
        dataDir: layout.dataDir,
        tables,
        ...(throughputLimits ? { throughputLimits } : {}),
        warn: (m) => this.log(`warning: ${m}`),
      });
      this.log(`DynamoDB (embedded) on ${this.endpoint}, ${layout.dataDir ? `data in ${layout.dataDir}` : 'in memory'}`);
    }
    for (const table of tables) this.log(`table ${table.tableName} ready`);
  }

  #open(name: ServiceName): Promise<LocalService> {
    const prefix = name === 'api' ? '[api]' : '[consumer]';
    return openService({
      layout: this.layout,
      name,
      env: this.functionEnv(),
      output: (line) => console.log(`${prefix} ${line}`),
      metricsFile: this.layout.metricsFile,
      // Under a debugger (npm run start:debug) a paused breakpoint must not time the request out.
      timeouts: inspector.url() === undefined,
    });
  }

  /**
   * The API stage's throttling as the deployed stage has it, from the same configuration
   * (custom.throttle of services/api/serverless.yml, resolved for stage local); built again,
   * with full buckets, when the API reloads.
   */
  throttle(): Throttle | undefined {
    const api = this.api;
    if (!api || !this.layout.throttle) return undefined;
    if (this.#throttle?.of !== api) {
      const config = this.apiService?.config.custom?.throttle as StageThrottleConfig | undefined;
      const routeKeys = api.httpApi.routes.map((route) => route.routeKey);
      this.#throttle = { of: api, throttle: config ? new Throttle(stageThrottleSettings(config, routeKeys)) : undefined };
    }
    return this.#throttle.throttle;
  }

  async openServices(): Promise<void> {
    [this.apiService, this.consumerService] = await Promise.all([this.#open('api'), this.#open('stream-consumer')]);
  }

  startConsumer(): Promise<LocalConsumer> {
    return startConsumer({
      layout: this.layout,
      service: this.consumerService!,
      endpoint: this.endpoint,
      log: (line) => console.log(`[consumer] ${line}`),
    });
  }

  /**
   * A serverless.yml (or the esbuild settings) changed: the service is opened again from it and
   * replaces the running one, which finishes what it runs. False when it does not resolve
   * (the framework's message is printed; the last good configuration keeps running).
   */
  async reloadService(name: ServiceName, cause: string): Promise<boolean> {
    let next: LocalService;
    try {
      next = await this.#open(name);
    } catch (error) {
      const message = error instanceof ServiceConfigError ? error.message : (error as Error).message;
      this.log(`${cause}: ${message}; services/${name} keeps running on its last good configuration`);
      return false;
    }
    const previous = name === 'api' ? this.apiService! : this.consumerService!;
    const change = describeConfigChange(previous.functions, next.functions, previous.config.functions, next.config.functions);
    if (name === 'api') {
      this.apiService = next;
      this.api = startLocalApi({ service: next, rootDir: this.layout.rootDir, log: (line) => console.log(`[api] ${line}`) });
      this.log(`${cause} changed: the API reloaded (${change})`);
    } else {
      await this.consumer?.stop();
      this.consumerService = next;
      this.consumer = await this.startConsumer();
      this.log(`${cause} changed: the stream consumer restarted from its checkpoints (${change})`);
    }
    void previous.stop({ drain: true });
    return true;
  }

  /** The root serverless.yml changed: its tables are brought up to date (the data is kept). */
  async updateTables(): Promise<void> {
    try {
      const tables = await readTableDefinitions(join(this.layout.rootDir, 'serverless.yml'), { stage: this.layout.stage });
      await ensureTablesAt(this.endpoint, tables);
      this.log(`serverless.yml (the data stack) changed: ${tables.map((t) => t.tableName).join(', ')} brought up to date`);
    } catch (error) {
      this.log(`serverless.yml (the data stack): ${(error as Error).message}; the tables are unchanged`);
    }
  }

  relative(file: string): string {
    return relative(this.layout.rootDir, file);
  }

  async stop(): Promise<void> {
    await this.watch?.close();
    await this.gateway?.stop();
    await this.consumer?.stop();
    await Promise.all([this.apiService?.stop(), this.consumerService?.stop()]);
    await this.db?.stop();
  }
}
