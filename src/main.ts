// `npm start`: the settings from the environment (and .env), checked, then the shop (run-shop.ts).
import 'dotenv/config';
import { ConfigError, loadConfig } from './config';
import { StartupError } from './startup-error';
import { runShop } from './run-shop';

async function main(): Promise<void> {
  await runShop(loadConfig(process.env));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) console.error(error.message);
  else console.error('Fengshou Shop failed to start:', error);
  process.exit(1);
});
