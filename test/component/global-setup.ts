import { buildMiniprogramNpm } from '../../local/tools/build-miniprogram-npm';

/** Builds miniprogram_npm once per run, before workers render pages from it in parallel. */
export default function setup(): void {
  const result = buildMiniprogramNpm();
  if (!result.skipped)
    console.log(`[component] miniprogram_npm 已构建：${result.packages.join(', ')}`);
}
