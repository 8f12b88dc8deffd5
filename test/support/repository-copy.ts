// A copy of this repository's working tree in a temporary folder, for tests that change files
// (the generator's): the files git knows of (tracked and untracked, not ignored), and every
// node_modules folder rebuilt as links to the original's packages, except the workspace links
// (node_modules/@app/*), which are copied as they are (relative), so that they point into the
// copy. Linking rather than copying node_modules (475 MB here) keeps the copy to about a
// second; Node resolves a package through its real path, so third-party packages load from
// the original, and the workspace packages from the copy.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RepositoryCopy {
  /** The copy's root, with a trailing slash (as ROOT_DIR has). */
  dir: string;
  remove(): Promise<void>;
}

async function linkDependencies(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from)) {
    // Caches would be written through the link into the original's.
    if (entry === '.cache') continue;
    if (entry === '@app') {
      await mkdir(join(to, entry));
      for (const workspace of await readdir(join(from, entry))) {
        await symlink(await readlink(join(from, entry, workspace)), join(to, entry, workspace));
      }
    } else {
      await symlink(join(from, entry), join(to, entry));
    }
  }
}

export async function copyRepository(rootDir: string): Promise<RepositoryCopy> {
  const dir = `${await mkdtemp(join(tmpdir(), 'repository-copy-'))}/`;
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await copyInto(rootDir, dir);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}

async function copyInto(rootDir: string, dir: string): Promise<void> {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: rootDir, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '');
  const folders = new Set(files.map((file) => dirname(file)));
  for (const folder of folders) await mkdir(join(dir, folder), { recursive: true });
  for (const file of files) {
    // A file git lists but the working tree has deleted (not yet committed) is not copied.
    await copyFile(join(rootDir, file), join(dir, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  // The root's node_modules, and those of the workspaces that have their own.
  const workspaces = [...folders].filter((folder) => folder !== '.' && files.includes(join(folder, 'package.json')));
  for (const folder of ['.', ...workspaces]) {
    const modules = join(rootDir, folder, 'node_modules');
    if (
      await stat(modules).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      await linkDependencies(modules, join(dir, folder, 'node_modules'));
  }
}
