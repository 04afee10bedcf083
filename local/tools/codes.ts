/**
 * `npm run codes -- <command>`: the operator's tools for code packages.
 *
 *   decrypt <package-file> --key <key> --out <file.csv>   package → CSV index,code,url,matrix
 *   render <file.csv> --out <folder|file.zip> [--from N] [--to N] [--formats svg,png,qr]
 *
 * Exit status: 0 done, 1 the input is bad (the message says how), 2 the command line is wrong.
 * Outputs appear only when complete (written as `<out>.partial`, then renamed).
 */
import { parseArgs } from 'node:util';
import { AppError } from '../../cloudfunctions/core/errors';
import { parsePrintFormats, QR_MODULE_PIXELS } from '../../cloudfunctions/core/print';
import { decryptPackageFile } from './codes/decrypt';
import { formatCount, formatMegabytes, formatRate } from './codes/progress';
import { removePendingOutputs } from './codes/output';
import { renderCsv } from './codes/render';

const USAGE = `用法：npm run codes -- <命令> [参数]

命令：
  decrypt   解密 applycodedownload 下载的码包，输出 CSV（index,code,url,matrix）
  render    按 CSV 生成印刷图片（微码 SVG/PNG、二维码 PNG），输出到文件夹或 zip

每个命令的说明：npm run codes -- <命令> --help`;

const DECRYPT_USAGE = `用法：npm run codes -- decrypt <码包文件> --out <输出.csv> [--key <密钥>] [--progress]

  <码包文件>        applycodedownload 回复里的 buffer（base64 文本），或整个 JSON 回复
                    （{"errcode":0,"buffer":"…"}，以 { 开头即按 JSON 读取）
  --out <文件>      输出 CSV，表头 index,code,url,matrix；完成后才出现（先写 <文件>.partial）
  --key <密钥>      码包密钥（开通一物一码后微信下发的那个）；不给则读环境变量 MARKETCODE_KEY。
                    建议用环境变量：命令行参数会留在 shell 历史和进程列表里
  --progress        在 stderr 显示进度（终端里默认显示）
  --summary-json    最后在 stderr 多打印一行 JSON 摘要（码数、字节数、用时、峰值内存），供脚本使用

流式处理，内存占用与码包大小无关。密钥错误、base64 损坏、填充错误或某行格式不对时，
以非零状态退出并说明原因，不留下输出文件。`;

const RENDER_USAGE = `用法：npm run codes -- render <codes.csv> --out <文件夹|文件.zip> [参数]

  <codes.csv>           decrypt 生成的 CSV（index,code,url,matrix），或导出的 index,code,url
                        （没有 matrix 列时只能生成二维码）
  --out <路径>          以 .zip 结尾则输出 zip（流式写入），否则输出到这个文件夹（不能已存在）
  --from <序号>         只处理序号 ≥ 此值的码
  --to <序号>           只处理序号 ≤ 此值的码
  --formats <列表>      逗号分隔，默认 svg,png,qr：
                          svg        微码 SVG        microcode-svg/<序号>.svg
                          png        微码 PNG        microcode-png/<序号>.png
                          qr         以下三种尺寸的二维码（2 版、Q 级，内容为 28 位网址）
                          qr-small   每模块 ${QR_MODULE_PIXELS['qr-small']} 像素   qr-small/<序号>.png（300 dpi 下约 11.2 mm）
                          qr-medium  每模块 ${QR_MODULE_PIXELS['qr-medium']} 像素   qr-medium/<序号>.png（约 22.4 mm）
                          qr-large   每模块 ${QR_MODULE_PIXELS['qr-large']} 像素  qr-large/<序号>.png（约 44.7 mm）
  --svg-module-mm <n>   微码 SVG 每个点的边长（毫米），默认 0.5
  --png-module-px <n>   微码 PNG 每个点的像素数，默认 8
  --quiet-zone <n>      微码四周留白（模块数），默认 4；二维码固定 4
  --dpi <n>             写入 PNG 的分辨率，默认 300
  --progress            在 stderr 显示进度（终端里默认显示）

输出里另有 codes.csv（index,code,url），列出所选范围的码，与图片一一对应。`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'decrypt') return await decrypt(rest);
    if (command === 'render') return await render(rest);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`不认识的命令 ${JSON.stringify(command)}`);
  } catch (error) {
    return report(command ?? 'codes', error);
  }
}

async function decrypt(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    key: { type: 'string' },
    out: { type: 'string' },
    progress: { type: 'boolean' },
    'summary-json': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${DECRYPT_USAGE}\n`);
    return 0;
  }
  const packageFile = single(positionals, '码包文件');
  const out = required(values.out, '--out');
  const key = values.key ?? process.env.MARKETCODE_KEY;
  if (!key) throw new UsageError('缺少密钥：用 --key 给出，或设置环境变量 MARKETCODE_KEY');

  const summary = await decryptPackageFile({
    packageFile,
    key,
    out,
    progress: Boolean(values.progress) || Boolean(process.stderr.isTTY),
    stderr: process.stderr,
  });
  const range =
    summary.firstIndex === undefined ? '' : `（序号 ${summary.firstIndex}–${summary.lastIndex}）`;
  process.stderr.write(
    `已解密 ${formatCount(summary.codes)} 个码${range} → ${out}；` +
      `读入 ${formatMegabytes(summary.sourceBytes)}，用时 ${summary.seconds.toFixed(2)} s，` +
      `${formatRate(summary.sourceBytes, summary.seconds)}\n`,
  );
  if (values['summary-json']) {
    process.stderr.write(
      `${JSON.stringify({
        codes: summary.codes,
        sourceBytes: summary.sourceBytes,
        seconds: summary.seconds,
        // maxRSS is in kilobytes.
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      })}\n`,
    );
  }
  return 0;
}

async function render(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    formats: { type: 'string' },
    'svg-module-mm': { type: 'string' },
    'png-module-px': { type: 'string' },
    'quiet-zone': { type: 'string' },
    dpi: { type: 'string' },
    progress: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${RENDER_USAGE}\n`);
    return 0;
  }
  const csvFile = single(positionals, 'CSV 文件');
  const out = required(values.out, '--out');
  const from = wholeNumber(values.from, '--from');
  const to = wholeNumber(values.to, '--to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new UsageError('--from 不能大于 --to');
  }
  const quietZone = wholeNumber(values['quiet-zone'], '--quiet-zone');
  const pngModule = wholeNumber(values['png-module-px'], '--png-module-px');
  const svgModule = positiveNumber(values['svg-module-mm'], '--svg-module-mm');
  const dpi = wholeNumber(values.dpi, '--dpi');
  const summary = await renderCsv({
    csvFile,
    out,
    formats: parsePrintFormats(values.formats ?? 'svg,png,qr'),
    from,
    to,
    render: {
      svg: { unit: 'mm', moduleSize: svgModule ?? 0.5, quietZone: quietZone ?? 4 },
      png: { moduleSize: pngModule ?? 8, quietZone: quietZone ?? 4, dpi: dpi ?? 300 },
      dpi: dpi ?? 300,
    },
    progress: Boolean(values.progress) || Boolean(process.stderr.isTTY),
    stderr: process.stderr,
  });
  process.stderr.write(
    `已生成 ${formatCount(summary.codes)} 个码的 ${formatCount(summary.files)} 个文件 → ${out}；` +
      `用时 ${summary.seconds.toFixed(2)} s\n`,
  );
  return 0;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function single(positionals: string[], what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? `缺少${what}` : `只能给一个${what}`);
  }
  return positionals[0]!;
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`缺少 ${flag}`);
  return value;
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new UsageError(`${flag} 应为非负整数，收到 ${value}`);
  return Number(value);
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} 应为正数，收到 ${value}`);
  return n;
}

/** One message a person can act on; internals only as a short code in parentheses. */
function report(command: string, error: unknown): number {
  const prefix = `codes ${command}：`;
  if (error instanceof UsageError) {
    const usage =
      command === 'decrypt' ? DECRYPT_USAGE : command === 'render' ? RENDER_USAGE : USAGE;
    process.stderr.write(`${prefix}${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (error instanceof AppError) {
    const detail = 'detail' in error && typeof error.detail === 'string' ? `; ${error.detail}` : '';
    process.stderr.write(`${prefix}${error.message}\n（${error.code}${detail}）\n`);
    return 1;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const file = (error as NodeJS.ErrnoException | undefined)?.path;
  if (code === 'ENOENT') {
    process.stderr.write(`${prefix}找不到文件或目录 ${file ?? ''}\n`);
    return 1;
  }
  if (code === 'EACCES' || code === 'EISDIR' || code === 'ENOSPC' || code === 'EEXIST') {
    process.stderr.write(`${prefix}无法读写 ${file ?? ''}（${code}）\n`);
    return 1;
  }
  process.stderr.write(
    `${prefix}意外错误：${error instanceof Error ? error.stack : String(error)}\n`,
  );
  return 1;
}

if (require.main === module) {
  // Ctrl-C mid-run: take the partial output away before going, as a failure would.
  const interrupted = (signal: NodeJS.Signals): void => {
    void removePendingOutputs().finally(() => {
      process.stderr.write(`\n已中断（${signal}），未留下输出文件\n`);
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  void main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
