// What a saved file does to the running stack, decided from its path:
//   services/<service>/serverless.yml          that service reloads from it (or keeps its last good one);
//   services/<service>/**/*.yml                so does a file it includes (${file(./functions/<resource>.yml)})
//   services/esbuild.yml, esbuild-plugins.mjs  both services reload (their bundles change)
//   serverless.yml (the root: data stack)      the tables are brought up to date
//   packages/schema/src/** (not generated)     the validators and the OpenAPI document are generated again
//   any other file                             the functions built from it are rebuilt and reloaded
// Batches are handled one at a time, in order.
import { execFile } from 'node:child_process';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { describeReload } from './service.ts';
import type { LocalStack, ServiceName, StartMessage } from './stack.ts';

export interface ChangeDispatcherOptions {
  stack: LocalStack;
  log: (line: string) => void;
  report: (message: StartMessage) => void;
}

export interface ClassifiedChanges {
  /** Each service to reload, with the changed files (relative) that concern it. */
  services: Map<ServiceName, string[]>;
  tables: boolean;
  schema: boolean;
  sources: string[];
}

const SERVICES: readonly ServiceName[] = ['api', 'stream-consumer'];

/** A service's serverless.yml, or a YAML file of its own it may include (not one of its build folders). */
const SERVICE_CONFIG = /^services\/([^/]+)\/(?!node_modules\/|\.serverless\/|\.esbuild\/)(?:[^/]+\/)*[^/]+\.ya?ml$/;

function addCause(services: Map<ServiceName, string[]>, service: ServiceName, path: string): void {
  const causes = services.get(service) ?? [];
  if (!causes.includes(path)) causes.push(path);
  services.set(service, causes);
}

/** Sorts changed files (absolute) by what they concern. */
export function classifyChanges(rootDir: string, files: readonly string[]): ClassifiedChanges {
  const changes: ClassifiedChanges = { services: new Map(), tables: false, schema: false, sources: [] };
  for (const file of files) {
    const path = relative(rootDir, file).split(sep).join('/');
    const service = SERVICE_CONFIG.exec(path)?.[1] as ServiceName | undefined;
    if (service && SERVICES.includes(service)) addCause(changes.services, service, path);
    else if (path === 'services/esbuild.yml' || path === 'services/esbuild-plugins.mjs')
      for (const name of SERVICES) addCause(changes.services, name, path);
    else if (path === 'serverless.yml') changes.tables = true;
    else if (path.startsWith('packages/schema/src/') && !path.startsWith('packages/schema/src/generated/') && !path.endsWith('.test.ts'))
      changes.schema = true;
    else changes.sources.push(file);
  }
  return changes;
}

export class ChangeDispatcher {
  readonly #options: ChangeDispatcherOptions;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: ChangeDispatcherOptions) {
    this.#options = options;
  }

  dispatch(files: string[]): void {
    this.#queue = this.#queue.then(
      () => this.#handle(files),
      () => this.#handle(files),
    );
    this.#queue.catch((error: unknown) => this.#options.log(`reload failed: ${(error as Error).message}`));
  }

  /** Resolves when every batch dispatched so far has been handled. */
  settled(): Promise<void> {
    return this.#queue.catch(() => undefined);
  }

  async #handle(files: string[]): Promise<void> {
    const { stack, report } = this.#options;
    const changes = classifyChanges(stack.layout.rootDir, files);
    if (changes.schema) await this.#regenerateSchema();
    for (const [name, causes] of changes.services) {
      const ok = await stack.reloadService(name, causes.join(', '));
      report({ type: 'configured', service: name, ok });
    }
    if (changes.tables) await stack.updateTables();
    if (changes.sources.length === 0) return;
    for (const [name, service, prefix] of [
      ['api', stack.apiService, '[api]'],
      ['stream-consumer', stack.consumerService, '[consumer]'],
    ] as const) {
      const reload = await service?.host.changed(changes.sources);
      if (!reload) continue;
      const touched = changes.sources.filter((file) => reload.functions.some((fn) => service!.builder.affectedBy([file]).includes(fn)));
      console.log(`${prefix} ${describeReload(reload, touched, stack.layout.rootDir)}`);
      if (name === 'stream-consumer') stack.consumer?.reloaded(reload.outcome.ok);
      report({ type: 'reloaded', service: name, functions: reload.functions, ok: reload.outcome.ok, ms: Math.round(reload.ms) });
    }
  }

  /** packages/schema's build step, as its typecheck script runs it: the generated files then reload what uses them. */
  async #regenerateSchema(): Promise<void> {
    const { stack, log } = this.#options;
    const cwd = join(stack.layout.rootDir, 'packages', 'schema');
    log('packages/schema/src changed: generating its validators and OpenAPI document again');
    try {
      for (const script of ['scripts/generate-validators.ts', 'scripts/generate-openapi.ts'])
        await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd, timeout: 60_000 });
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      log(`packages/schema: generation failed: ${(stderr ?? (error as Error).message).trim().split('\n')[0]}`);
    }
  }
}
