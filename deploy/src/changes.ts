// What changed between a git ref and the working tree as it is on disk: commits since the
// ref, staged and unstaged edits, deletions and untracked files (those .gitignore does not
// exclude). Turborepo's `--filter=[ref]` counts the same files; we compute them ourselves
// because the plan needs to say which file selected which stack, and because files outside
// any package (the root serverless.yml, services/esbuild.yml) belong to stacks that list them.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { captureOrFail, type RunCommand } from './process.js';

/**
 * The working tree as a git tree object, written through a scratch copy of the index (the
 * real index, and so what is staged, is left alone): `git add -A` there takes in every
 * change at once, and a tree-to-tree diff then sees renames, deletions and new files alike.
 */
async function workingTreeObject(rootDir: string, run: RunCommand): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'deploy-index-'));
  try {
    const index = resolve(rootDir, (await captureOrFail(run, 'git', ['rev-parse', '--git-path', 'index'], { cwd: rootDir })).trim());
    // A copy keeps the index's file stat cache: only files touched since are hashed again.
    await copyFile(index, join(scratch, 'index')).catch(() => undefined);
    const env = { ...process.env, GIT_INDEX_FILE: join(scratch, 'index') };
    await captureOrFail(run, 'git', ['add', '--all', '--', '.'], { cwd: rootDir, env });
    return (await captureOrFail(run, 'git', ['write-tree'], { cwd: rootDir, env })).trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Repository paths (forward slashes, from the root) that differ between `ref` and the working tree. */
export async function changedFilesSince(rootDir: string, ref: string, run: RunCommand): Promise<string[]> {
  const verified = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: rootDir });
  if (verified.code !== 0) {
    throw new UsageError(
      `--changed-since: "${ref}" names no commit in this clone (not fetched? git fetch --tags origin; a shallow clone needs fetch-depth: 0)`,
    );
  }
  const tree = await workingTreeObject(rootDir, run);
  const diff = await captureOrFail(run, 'git', ['diff', '--name-only', '--no-renames', '-z', verified.stdout.trim(), tree], {
    cwd: rootDir,
  });
  return diff.split('\0').filter(Boolean);
}
