/** Runs crash-writer.ts in a child process and SIGKILLs it mid-burst. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts the writer on `file`, kills it once it has acknowledged `atLeast` writes, and returns
 * every `_id` it acknowledged before it died.
 */
export async function killedWriter(
  file: string,
  mode: 'plain' | 'transaction',
  atLeast: number,
): Promise<string[]> {
  const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', writer, file, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acknowledged: string[] = [];
  let buffered = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      acknowledged.push(...lines.filter((line) => line.length > 0));
      if (acknowledged.length >= atLeast && child.exitCode === null && !child.killed)
        child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
  if (acknowledged.length < atLeast)
    throw new Error(`the writer died after ${acknowledged.length} writes, before the kill`);
  return acknowledged;
}
