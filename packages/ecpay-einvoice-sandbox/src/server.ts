import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEinvoiceSandbox } from './app';
import type { EinvoiceSandboxControl } from './control';
import type { StartEinvoiceSandboxOptions } from './options';

export interface RunningEinvoiceSandbox {
  /** http://127.0.0.1:PORT: the console (/console) and the control API (/control). */
  origin: string;
  /** What a client is configured with; services are POST `${apiUrl}/B2CInvoice/<Op>`. */
  apiUrl: string;
  control: EinvoiceSandboxControl;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEinvoiceSandbox(options: StartEinvoiceSandboxOptions = {}): Promise<RunningEinvoiceSandbox> {
  const sandbox = createEinvoiceSandbox(options);
  const host = options.host ?? '127.0.0.1';
  const server = createServer(sandbox.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const origin = `http://${urlHost(host)}:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    origin,
    // ECPay's hosts serve the services at their root, so the API URL is the origin itself.
    apiUrl: origin,
    control: sandbox.control,
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
