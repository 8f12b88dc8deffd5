// The workspace as the deploy tool sees it: packages, the edges between them, and the
// packages that are stacks (a `stack` field in their package.json). Pure: built from values
// that workspace.ts reads from disk, so that tests can hand it any graph.
import { posix } from 'node:path';
import { WorkspaceError } from './errors.js';

/** One request the smoke check makes after a deploy, and the status it expects. */
export interface SmokeRequest {
  path: string;
  status: number;
}

/** A package.json `stack` field, as written (paths relative to the package's folder). */
export interface StackDeclaration {
  /** What --only and the plan call it: `data`, `api`, `stream-consumer`. */
  name: string;
  /** Where its serverless.yml is, when not in the package's own folder. */
  serviceDir?: string;
  /** Files or folders outside the package's folder that go into what it deploys. */
  inputs?: string[];
  /** The stack output holding the stage's base URL, for the smoke check. */
  url?: string;
  smoke?: SmokeRequest[];
}

export interface WorkspacePackage {
  name: string;
  /** Its folder, relative to the repository root, with forward slashes. */
  dir: string;
  /** Workspace packages it needs at run time (package.json `dependencies`). */
  dependencies: string[];
  /** Workspace packages it needs only to build or test (`devDependencies`). */
  devDependencies: string[];
  stack?: StackDeclaration;
}

/** A deployable stack, its paths resolved against the repository root. */
export interface Stack {
  name: string;
  packageName: string;
  packageDir: string;
  /** Where `sls` runs for it ('' for the repository root). */
  serviceDir: string;
  /** Repository paths (files, or folders ending in '/') outside packageDir that it deploys. */
  inputs: string[];
  url?: string;
  smoke: SmokeRequest[];
}

const STACK_NAME = /^[a-z][a-z0-9-]*$/;

/** `dir/relative`, normalised; refuses a path that leaves the repository. */
function repoPath(dir: string, relative: string, what: string): string {
  const joined = posix.normalize(posix.join(dir || '.', relative));
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) {
    throw new WorkspaceError(`${what}: ${relative} is outside the repository`);
  }
  return joined === '.' ? '' : joined;
}

function toStack(pkg: WorkspacePackage, declaration: StackDeclaration): Stack {
  const where = `${pkg.name} (${pkg.dir}/package.json) "stack"`;
  if (typeof declaration.name !== 'string' || !STACK_NAME.test(declaration.name)) {
    throw new WorkspaceError(`${where}: "name" must be lower-case letters, digits and dashes, got ${JSON.stringify(declaration.name)}`);
  }
  for (const request of declaration.smoke ?? []) {
    if (typeof request.path !== 'string' || !request.path.startsWith('/') || !Number.isInteger(request.status)) {
      throw new WorkspaceError(`${where}: every "smoke" entry needs a "path" starting with / and an integer "status"`);
    }
  }
  if (declaration.smoke?.length && !declaration.url)
    throw new WorkspaceError(`${where}: "smoke" needs "url", the output to read the URL from`);
  return {
    name: declaration.name,
    packageName: pkg.name,
    packageDir: pkg.dir,
    serviceDir: repoPath(pkg.dir, declaration.serviceDir ?? '.', where),
    inputs: (declaration.inputs ?? []).map((input) => repoPath(pkg.dir, input, where)),
    ...(declaration.url ? { url: declaration.url } : {}),
    smoke: declaration.smoke ?? [],
  };
}

export class StackGraph {
  readonly stacks: readonly Stack[];
  private readonly packages = new Map<string, WorkspacePackage>();
  private readonly byName = new Map<string, Stack>();
  private readonly byPackage = new Map<string, Stack>();

  constructor(packages: readonly WorkspacePackage[]) {
    for (const pkg of packages) this.packages.set(pkg.name, pkg);
    const stacks: Stack[] = [];
    for (const pkg of packages) {
      if (!pkg.stack) continue;
      const stack = toStack(pkg, pkg.stack);
      const twin = this.byName.get(stack.name);
      if (twin) throw new WorkspaceError(`two packages declare the stack "${stack.name}": ${twin.packageName} and ${pkg.name}`);
      this.byName.set(stack.name, stack);
      this.byPackage.set(pkg.name, stack);
      stacks.push(stack);
    }
    this.stacks = stacks.sort((a, b) => a.name.localeCompare(b.name));
    this.assertNoCycle();
  }

  get names(): string[] {
    return this.stacks.map((stack) => stack.name);
  }

  stack(name: string): Stack {
    const stack = this.byName.get(name);
    if (!stack) throw new WorkspaceError(`no stack is called "${name}"; the stacks are ${this.names.join(', ')}`);
    return stack;
  }

  /** The stack a package declares, if any. */
  stackOfPackage(packageName: string): Stack | undefined {
    return this.byPackage.get(packageName);
  }

  /** The package whose folder holds `file` (the deepest one); undefined for files outside every package. */
  packageOfFile(file: string): WorkspacePackage | undefined {
    let owner: WorkspacePackage | undefined;
    for (const pkg of this.packages.values()) {
      if (pkg.dir === '' || !(file === pkg.dir || file.startsWith(`${pkg.dir}/`))) continue;
      if (!owner || pkg.dir.length > owner.dir.length) owner = pkg;
    }
    return owner;
  }

  /**
   * Every workspace package `packageName` reaches through `dependencies` (what can end up in
   * what it deploys), with the package through which each is first reached.
   */
  runtimeDependencies(packageName: string): Map<string, string | undefined> {
    return this.reach(packageName, (pkg) => pkg.dependencies);
  }

  /**
   * The stacks that must be in place before `name` deploys: those it reaches through any
   * dependency, as Turborepo's `^deploy` orders them (it follows devDependencies too).
   */
  upstreamOf(name: string): string[] {
    const reached = this.reach(this.stack(name).packageName, (pkg) => [...pkg.dependencies, ...pkg.devDependencies]);
    return this.stacks.filter((stack) => reached.has(stack.packageName)).map((stack) => stack.name);
  }

  /** The stacks that have `name` upstream. */
  downstreamOf(name: string): string[] {
    return this.stacks.filter((stack) => this.upstreamOf(stack.name).includes(name)).map((stack) => stack.name);
  }

  /**
   * Breadth-first: each reached package mapped to the direct dependency it was reached through
   * (undefined when direct). `from` itself is reached only through a cycle.
   */
  private reach(from: string, edges: (pkg: WorkspacePackage) => string[]): Map<string, string | undefined> {
    const reached = new Map<string, string | undefined>();
    const queue: [string, string | undefined][] = this.edgesOf(from, edges).map((name) => [name, undefined]);
    while (queue.length > 0) {
      const [name, via] = queue.shift()!;
      if (reached.has(name)) continue;
      reached.set(name, via);
      for (const next of this.edgesOf(name, edges)) queue.push([next, via ?? name]);
    }
    return reached;
  }

  private edgesOf(name: string, edges: (pkg: WorkspacePackage) => string[]): string[] {
    const pkg = this.packages.get(name);
    return pkg ? edges(pkg).filter((dependency) => this.packages.has(dependency)) : [];
  }

  private assertNoCycle(): void {
    for (const stack of this.stacks) {
      if (this.upstreamOf(stack.name).includes(stack.name)) throw new WorkspaceError(`the stack "${stack.name}" depends on itself`);
    }
  }
}
