// The shop as the bench runs it: the composition `npm start` runs in production (secure cookies,
// templates compiled once, JSON logs, HSTS), but against the bench's sandbox on loopback with the
// embedded sandbox's demo shop, which production's start-up rules refuse, and rightly. So the
// settings are checked by the rules every non-production shop follows (so the sandbox's test card,
// which the bench pays with, counts), and the composition is told it runs in production. The
// process itself runs with NODE_ENV=production (main.ts sets it), as every library in it would see
// in production; production's start-up rules stay what a real deployment meets.
import { ConfigError, loadConfig } from '../../src/config';
import { runShop } from '../../src/run-shop';

try {
  const config = loadConfig({ ...process.env, NODE_ENV: 'development' });
  await runShop({ ...config, env: 'production' });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
