/**
 * `npm run bench -- package-size`: the main package and each subpackage as WeChat's own compiler
 * builds them for upload (miniprogram-ci `getCompiledResult`, offline: local/tools/wechat-compile.ts),
 * read from its output zip, against our 400 KB main-package target and WeChat's 2 MB subpackage
 * limit, with the main package broken down by part. The compile is minified and includes only
 * what something references (`ignoreUploadUnusedFiles`), so these are the bytes WeChat counts.
 *
 * Exits non-zero when a package is over its limit (test/unit/wechat-compile.test.ts holds the same).
 */
import {
  compileMiniProgram,
  packageSizes,
  printSizes,
  subpackageRoots,
  type ZipEntry,
} from '../../local/tools/wechat-compile';

const KB = 1024;

/** The part of the main package a file belongs to, for the breakdown. */
function partOf(name: string): string {
  const vant = name.match(/^miniprogram_npm\/@vant\/weapp\/([^/]+)\//);
  if (vant) {
    const shared = ['common', 'mixins', 'wxs', 'definitions'];
    return shared.includes(vant[1]!) ? 'vant shared (common, mixins, wxs)' : `vant ${vant[1]}`;
  }
  const npm = name.match(/^miniprogram_npm\/((?:@[^/]+\/)?[^/]+)\//);
  if (npm) return `npm ${npm[1]}`;
  const owned = name.match(/^(pages\/[^/]+|components\/[^/]+)\//);
  if (owned) return owned[1]!;
  if (/^[^/]+$/.test(name)) return 'app (app.*, sitemap.json, …)';
  return `${name.split('/')[0]}/`;
}

function breakdown(entries: ZipEntry[]): void {
  const parts = new Map<string, { files: number; bytes: number }>();
  for (const entry of entries) {
    const part = partOf(entry.name);
    const sum = parts.get(part) ?? { files: 0, bytes: 0 };
    sum.files += 1;
    sum.bytes += entry.bytes;
    parts.set(part, sum);
  }
  for (const [part, { files, bytes }] of [...parts].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(
      `  ${part.padEnd(40)} ${String(files).padStart(4)} files ${bytes.toLocaleString('en-US').padStart(9)} B ${(bytes / KB).toFixed(1).padStart(7)} KB`,
    );
  }
}

async function main(): Promise<void> {
  const compiled = await compileMiniProgram();
  const roots = subpackageRoots();
  console.log(
    `compiled by miniprogram-ci in ${(compiled.compileMs / 1000).toFixed(1)} s: ${compiled.entries.length} files`,
  );
  console.log('\nmain package by part:');
  breakdown(
    compiled.entries.filter((entry) => !roots.some((root) => entry.name.startsWith(`${root}/`))),
  );
  console.log('');
  if (!printSizes(packageSizes(compiled.entries, roots))) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
