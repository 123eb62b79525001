#!/usr/bin/env node
// `npx sinopac-sandbox [--config file]`: the sandbox on its own, configured by configuration.ts
// (a .env file in the working directory is read first, as the shop reads its own).
import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { ConfigurationError, loadConfiguration, type ConfiguredShop } from './configuration';
import { startSandbox } from './server';
import { SPECIFICATION } from './specification';
import { TEST_CARDS } from './test-cards';

// Beside src/ and dist/ alike, so the source and the build report the same version.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The lines that tell a client's author how to call as this shop. A shop's own keys stay unprinted: they are its secret. */
function shopLines({ shop, keys }: ConfiguredShop): string[] {
  const { A1, A2, B1, B2 } = shop.hashKeys;
  const lines = [`  Shop ${shop.shopNo}${keys === 'demo' ? ' (built-in demo shop, public keys)' : ''}`];
  if (keys === 'given') lines.push('    hash keys:   as configured');
  else lines.push(`    hash keys:   A1=${A1} A2=${A2} B1=${B1} B2=${B2}${keys === 'generated' ? '   (generated for this run)' : ''}`);
  lines.push(`    X-KeyID:     ${shop.keyId ?? 'not required'}`);
  if (shop.notifyOrigin) lines.push(`    notifications go to ${shop.notifyOrigin} (BackendURL's path kept)`);
  return lines;
}

try {
  const configuration = loadConfiguration(process.argv.slice(2), process.cwd(), process.env);
  const running = await startSandbox(configuration.options);
  const cards = TEST_CARDS.map((card) => `${card.number.replace(/(\d{4})(?=\d)/g, '$1-')} ${card.expiry ?? 'any future MM/YY'} CVV ${card.cvv ?? 'any'} ${card.outcome}`);
  console.log([
    `SinoPac sandbox ${version} ready; it follows the bank's specification ${SPECIFICATION.title} ${SPECIFICATION.version}`,
    `  API base URL:  ${running.apiUrl}`,
    `  Console:       ${running.origin}/console`,
    `  Configuration: ${configuration.source}`,
    ...configuration.shops.flatMap(shopLines),
    `  Test cards:    ${cards.join('; ')}`,
  ].join('\n'));
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
  // A configuration mistake is the user's to fix and says so itself; anything else (a port in use) keeps its own words.
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigurationError ? message : `sinopac-sandbox failed to start: ${message}`);
  process.exit(1);
}
