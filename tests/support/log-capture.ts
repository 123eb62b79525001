// Logs kept in memory, so tests can read what the shop and the sandbox wrote.
import type { DestinationStream } from 'pino';
import type { SandboxLogger } from 'sinopac-sandbox';

export interface LogEntry {
  level: number;
  msg?: string;
  req?: { id?: string; method?: string; path?: string };
  [key: string]: unknown;
}

/** A pino destination: pino writes one JSON line per call, synchronously. */
export class CapturedLogs implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  get text(): string {
    return this.lines.join('');
  }

  entries(): LogEntry[] {
    return this.lines.map((line) => JSON.parse(line) as LogEntry);
  }

  /** The lines written while serving the request with this X-Request-Id. */
  forRequest(requestId: string): LogEntry[] {
    return this.entries().filter((entry) => entry.req?.id === requestId);
  }
}

export class CapturedSandboxLogs implements SandboxLogger {
  readonly lines: string[] = [];
  info = (message: string) => void this.lines.push(`info ${message}`);
  warn = (message: string) => void this.lines.push(`warn ${message}`);
  error = (message: string) => void this.lines.push(`error ${message}`);

  get text(): string {
    return this.lines.join('\n');
  }
}
