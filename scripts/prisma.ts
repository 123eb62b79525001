// Runs a Prisma CLI command against the development database, e.g. `npm run prisma -- migrate dev --name add_x`.
// Without DATABASE_URL it starts the embedded PostgreSQL first, exactly as `npm start` does.
import 'dotenv/config';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/config';
import { openDatabaseServer } from '../src/db/database-server';

const config = loadConfig(process.env);
const server = await openDatabaseServer(config.database, console.log);
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: server.url, CHECKPOINT_DISABLE: '1' },
});
await server.close();
process.exit(result.status ?? 1);
