import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox } from './app';
import type { SandboxOptions } from './options';

export interface StartSandboxOptions extends SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningSandbox {
  /** The base URL a SinoPac client is pointed at, e.g. http://127.0.0.1:4010/funBIZ/QPay.WebAPI/api */
  apiUrl: string;
  /** Where the console, card page and control API live. */
  origin: string;
  port: number;
  sandbox: Sandbox;
  close(): Promise<void>;
}

export const API_BASE_PATH = '/funBIZ/QPay.WebAPI/api';

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${urlHost(host)}:${port}`;
  let sandbox: Sandbox;
  try {
    sandbox = createSandbox({ ...options, publicOrigin: options.publicOrigin ?? origin });
  } catch (error) {
    server.close();
    throw error;
  }
  server.on('request', sandbox.app);
  let closing: Promise<void> | undefined;
  return {
    apiUrl: `${origin}${API_BASE_PATH}`,
    origin,
    port,
    sandbox,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        sandbox.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
