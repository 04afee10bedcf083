/**
 * Progress on stderr: codes done and input MB/s, at most every half second. On a terminal the line
 * redraws in place; forced on elsewhere (`--progress`, e.g. a log file), one line every 2 s.
 */
export interface Progress {
  update(codes: number, sourceBytes: number): void;
  /** Clears the redrawn line before the summary. */
  done(): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream): Progress {
  const started = process.hrtime.bigint();
  const tty = Boolean(stream.isTTY);
  const interval = tty ? 500 : 2000;
  let last = 0;
  let drawn = false;
  return {
    update(codes, sourceBytes) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const text = `已处理 ${formatCount(codes)} 个码 · ${formatMegabytes(sourceBytes)} · ${formatRate(sourceBytes, seconds)}`;
      if (tty) {
        stream.write(`\r${text}\x1b[K`);
        drawn = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

/** 1,234,567 (by hand: toLocaleString loads ICU, a visible start-up cost for a short run). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function formatRate(bytes: number, seconds: number): string {
  return `${(seconds > 0 ? bytes / 1e6 / seconds : 0).toFixed(1)} MB/s`;
}
