// `npm run sandbox`: the SinoPac sandbox on its own, configured from the same variables as the shop.
import 'dotenv/config';
import { DEMO_SHOP } from './demo-shop';
import type { SandboxShop } from './options';
import { startSandbox } from './server';

const SHOP_VARIABLES = ['SINOPAC_SHOP_NO', 'SINOPAC_HASH_A1', 'SINOPAC_HASH_A2', 'SINOPAC_HASH_B1', 'SINOPAC_HASH_B2'] as const;

function shopFromEnvironment(env: NodeJS.ProcessEnv): { shop: SandboxShop; demo: boolean } {
  const given = SHOP_VARIABLES.filter((name) => env[name]);
  if (given.length === 0) return { shop: DEMO_SHOP, demo: true };
  const missing = SHOP_VARIABLES.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`set all of ${SHOP_VARIABLES.join(', ')} or none; missing: ${missing.join(', ')}`);
  return {
    demo: false,
    shop: {
      shopNo: env.SINOPAC_SHOP_NO!,
      hashKeys: { A1: env.SINOPAC_HASH_A1!, A2: env.SINOPAC_HASH_A2!, B1: env.SINOPAC_HASH_B1!, B2: env.SINOPAC_HASH_B2! },
      ...(env.SINOPAC_KEY_ID ? { keyId: env.SINOPAC_KEY_ID } : {}),
    },
  };
}

function portFromEnvironment(value: string | undefined): number {
  const port = Number(value ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`SANDBOX_PORT must be a port number, got ${value}`);
  return port;
}

try {
  const { shop, demo } = shopFromEnvironment(process.env);
  const running = await startSandbox({
    shops: [shop],
    port: portFromEnvironment(process.env.SANDBOX_PORT),
    ...(process.env.SANDBOX_HOST ? { host: process.env.SANDBOX_HOST } : {}),
    ...(process.env.SANDBOX_PUBLIC_ORIGIN ? { publicOrigin: process.env.SANDBOX_PUBLIC_ORIGIN } : {}),
  });
  console.log(`SinoPac sandbox ready
  API base URL:  ${running.apiUrl}   (SINOPAC_API_URL)
  Console:       ${running.origin}/console
  Shop:          ${shop.shopNo}${demo ? ' (built-in demo shop)' : ''}${shop.keyId ? ', X-KeyID required' : ''}
  Test cards:    4999-3700-0002-3145 12/30 CVV 880 approved; 4000-0000-0000-0002 declined`);
  const stop = (signal: string) => {
    console.log(`${signal} received, stopping the sandbox`);
    running.close().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
