// Reads the workspace graph from disk: the packages as Turborepo lists them (the same graph
// its `^deploy` orders), each package.json for its dependencies and `stack` field, and each
// stack's CloudFormation stack name from its serverless.yml.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseServerlessYaml, resolveVariables } from '@app/local-dynamodb';
import { WorkspaceError } from './errors.js';
import type { Stack, StackDeclaration, WorkspacePackage } from './graph.js';
import { captureOrFail, type RunCommand } from './process.js';

const PACKAGES_QUERY = 'query { packages { items { name path } } }';

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  stack?: StackDeclaration;
}

/** The workspace packages (the root excluded), with their workspace dependencies. */
export async function readWorkspace(rootDir: string, run: RunCommand): Promise<WorkspacePackage[]> {
  const answer = JSON.parse(await captureOrFail(run, 'npx', ['--no-install', 'turbo', 'query', PACKAGES_QUERY], { cwd: rootDir })) as {
    data: { packages: { items: { name: string; path: string }[] } };
  };
  const listed = answer.data.packages.items.filter((item) => item.name !== '//');
  const names = new Set(listed.map((item) => item.name));
  const local = (deps: Record<string, string> | undefined) => Object.keys(deps ?? {}).filter((name) => names.has(name));
  return Promise.all(
    listed.map(async ({ name, path }) => {
      const manifest = JSON.parse(await readFile(join(rootDir, path, 'package.json'), 'utf8')) as PackageJson;
      return {
        name,
        dir: path,
        dependencies: local(manifest.dependencies),
        devDependencies: local(manifest.devDependencies),
        ...(manifest.stack ? { stack: manifest.stack } : {}),
      };
    }),
  );
}

/**
 * The CloudFormation stack that `sls deploy --stage <stage>` makes for `stack`: `<service>-<stage>`,
 * the Serverless Framework's naming, with `service` read from its serverless.yml.
 */
export async function cloudFormationStackName(rootDir: string, stack: Stack, stage: string): Promise<string> {
  const file = join(rootDir, stack.serviceDir, 'serverless.yml');
  const config = parseServerlessYaml(await readFile(file, 'utf8'));
  const service = resolveVariables(config.service, config, { stage });
  if (typeof service !== 'string' || service.includes('${')) {
    throw new WorkspaceError(`${file}: "service" must be a plain name (or resolve to one), got ${JSON.stringify(config.service)}`);
  }
  if ((config.provider as { stackName?: unknown } | undefined)?.stackName) {
    throw new WorkspaceError(`${file}: provider.stackName is not supported by npm run deploy; stacks are named <service>-<stage>`);
  }
  return `${service}-${stage}`;
}
