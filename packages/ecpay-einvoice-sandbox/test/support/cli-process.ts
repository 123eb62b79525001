// The sandbox's command as a child process: its output collected, its start awaited.
import { spawn, type ChildProcess } from 'node:child_process';

export interface CliProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves with the output once it contains `marker`; rejects if the process ends first. */
  waitFor(marker: string): Promise<string>;
}

export function startCli(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(marker) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!text.includes(marker)) return;
          child.stdout!.off('data', check);
          resolve(text);
        };
        child.stdout!.on('data', check);
        exited.then((code) => reject(new Error(`exited (${code}) before printing ${marker}:\n${text}`)), () => {});
        check();
      });
    },
  };
}

/** The API URL the command printed. */
export const printedApiUrl = (output: string) => /API URL: +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
