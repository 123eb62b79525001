// `npm run db:migrate` (`node dist/migrate.js` in production): applies the pending migrations and
// exits, for a PaaS release phase that migrates before the new web processes start. The shop
// migrates at every start-up too (src/db/migrate.ts takes a lock), so running it is optional.
import 'dotenv/config';
import { ConfigError, loadConfig } from './config';
import { migrateDatabase, openDatabaseServer } from './db/database-server';
import { createLogger } from './logger';
import { StartupError } from './startup-error';

async function main(): Promise<void> {
  // The whole configuration, not only DATABASE_URL: a release whose settings would stop the web
  // processes fails here, before they are replaced.
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const say = config.env === 'production' ? (line: string) => logger.info(line) : (line: string) => console.log(line);
  const server = await openDatabaseServer(config.database, say);
  try {
    await migrateDatabase(server.url, say);
    say('The database has every migration');
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) console.error(error.message);
  else console.error('Migrating failed:', error);
  process.exit(1);
});
