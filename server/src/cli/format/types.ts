// The formatters' common shape: results arrive one file at a time and are written as they come, so a
// folder of thousands of files never waits for the last one to print the first.
import type { Finding, LineIndex } from '../../engine';

export interface FileReport {
  /** The path as the user wrote it (joined with the path inside a folder), or `<stdin>`. */
  display: string;
  /** Absolute path on disk; undefined for standard input. */
  abs?: string;
  lines: LineIndex;
  findings: Finding[];
}

export interface Totals {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  files: number;
  /** With --baseline: findings it hid (not counted above) and entries that matched nothing. */
  baseline?: BaselineTotals;
}

export interface BaselineTotals {
  suppressed: number;
  stale: number;
}

export interface Formatter {
  begin(): void;
  file(report: FileReport): void;
  end(totals: Totals): void;
}

/** Buffers small writes into large ones; `flush` at the end. */
export class Output {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly sink: (chunk: string) => void) {}

  write(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
    if (this.size >= 64 * 1024) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    const chunk = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.sink(chunk);
  }
}
