#!/usr/bin/env node
// The `ecpay-einvoice-sandbox` command: the sandbox on its own, with the stage merchant.
import { parseArgs } from 'node:util';
import { STAGE_MERCHANT } from './options';
import { startEinvoiceSandbox } from './server';

const USAGE = 'usage: ecpay-einvoice-sandbox [--port N] [--host ADDRESS]   (EINVOICE_SANDBOX_PORT also sets the port; default 4020)';

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new Error(`the port must be a number 0–65535, got ${value}`);
  return port;
}

try {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const running = await startEinvoiceSandbox({
    port: portNumber(values.port ?? process.env.EINVOICE_SANDBOX_PORT ?? '4020'),
    ...(values.host ? { host: values.host } : {}),
    logger: { info: (...a) => console.log('[einvoice-sandbox]', ...a), warn: (...a) => console.warn('[einvoice-sandbox]', ...a), error: (...a) => console.error('[einvoice-sandbox]', ...a) },
  });
  // Listening for the stop signals before saying it is ready: whoever waits for the message may stop it at once.
  const stop = (signal: string) => {
    console.log(`${signal} received, stopping the e-invoice sandbox`);
    running.close().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The stage credentials are ECPay's public test values, printed so a client can be pointed here.
  console.log(`ECPay e-invoice sandbox ready
  API URL:     ${running.apiUrl}   (POST ${running.apiUrl}/B2CInvoice/<Op>)
  Console:     ${running.origin}/console
  MerchantID:  ${STAGE_MERCHANT.merchantId}
  HashKey:     ${STAGE_MERCHANT.hashKey}
  HashIV:      ${STAGE_MERCHANT.hashIV}`);
} catch (error) {
  console.error(`e-invoice sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(1);
}
