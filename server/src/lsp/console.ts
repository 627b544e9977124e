// Under `--stdio`, stdout is the wire: one stray byte corrupts the next message. Every console method is
// sent to stderr until the connection exists, then to the client's log (window/logMessage). The library
// patches most methods itself, but not `console.info`, and only once the connection is created.

export interface ConsoleSink {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  log(message: string): void;
}

const stderrSink: ConsoleSink = {
  error: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`${m}\n`),
  info: (m) => process.stderr.write(`${m}\n`),
  log: (m) => process.stderr.write(`${m}\n`),
};

let sink: ConsoleSink = stderrSink;

function format(args: unknown[]): string {
  return args
    .map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : safeJson(a)))
    .join(' ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Replaces every console method that could write to stdout. Call before anything else runs. */
export function redirectConsole(): void {
  console.log = (...args: unknown[]) => sink.log(format(args));
  console.info = (...args: unknown[]) => sink.info(format(args));
  console.debug = (...args: unknown[]) => sink.log(format(args));
  console.trace = (...args: unknown[]) => sink.log(`${format(args)}\n${new Error().stack ?? ''}`);
  console.dir = (value: unknown) => sink.log(format([value]));
  console.table = (value: unknown) => sink.log(format([value]));
  console.warn = (...args: unknown[]) => sink.warn(format(args));
  console.error = (...args: unknown[]) => sink.error(format(args));
}

/** From now on the console goes to the client. */
export function setConsoleSink(next: ConsoleSink): void {
  sink = next;
}
