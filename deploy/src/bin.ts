// The entry point of npm run deploy and npm run remove (root package.json): the CLI with the
// real world plugged in.
import { fileURLToPath } from 'node:url';
import { loadTemplateChecker } from './cfn-spec.js';
import { main } from './cli.js';
import { runCommand } from './process.js';
import { cloudFormationDescriber } from './stage.js';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));

process.exitCode = await main(
  process.argv.slice(2),
  {
    run: runCommand,
    describer: cloudFormationDescriber,
    loadChecker: loadTemplateChecker,
    fetch,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
  },
  rootDir,
);
