// The sandbox logs plain sentences; callers must never pass hash keys, HashID or card numbers.
export interface SandboxLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: SandboxLogger = {
  info: (message) => console.log(`[sandbox] ${message}`),
  warn: (message) => console.warn(`[sandbox] ${message}`),
  error: (message) => console.error(`[sandbox] ${message}`),
};

export const silentLogger: SandboxLogger = { info() {}, warn() {}, error() {} };
