// The JSON log lines a piece of code writes (Powertools' logger writes them to stdout, or
// through the global console with POWERTOOLS_DEV), captured for assertions.

export interface LogCapture {
  /** Every line written since capture started, as written. */
  readonly lines: readonly string[];
  /** The lines that are JSON objects, parsed. */
  readonly entries: readonly Record<string, unknown>[];
  /** The lines that are not metrics: what the code logged (the logger's lines and any other output). */
  readonly logLines: readonly string[];
  /** The CloudWatch embedded metric format lines (JSON with an `_aws` key: Powertools Metrics), parsed. */
  readonly metrics: readonly Record<string, unknown>[];
  /** Puts stdout, stderr and the console back as they were. */
  restore(): void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

function parse(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const isMetricLine = (entry: Record<string, unknown> | undefined): entry is Record<string, unknown> =>
  entry !== undefined && typeof entry._aws === 'object' && entry._aws !== null;

/** Captures (and silences) what is written to stdout, stderr and the console until `restore()`. */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const push = (text: string) => lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
  const restores: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: string | Uint8Array) => (push(String(chunk)), true)) as typeof stream.write;
    restores.push(() => (stream.write = original));
  }
  for (const method of CONSOLE_METHODS) {
    const original = console[method];
    console[method] = (...args: unknown[]) => push(args.map(String).join(' '));
    restores.push(() => (console[method] = original));
  }
  return {
    lines,
    get entries() {
      return lines.map(parse).filter((entry) => entry !== undefined);
    },
    get logLines() {
      return lines.filter((line) => !isMetricLine(parse(line)));
    },
    get metrics() {
      return lines.map(parse).filter(isMetricLine);
    },
    restore: () => restores.splice(0).forEach((restore) => restore()),
  };
}
