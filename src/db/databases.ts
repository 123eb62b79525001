// Creating and dropping whole databases on a server, for the shop's own database and test copies.
import pg from 'pg';

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withMaintenanceClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function createDatabaseIfMissing(serverUrl: string, database: string): Promise<boolean> {
  return withMaintenanceClient(serverUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoted(database)}`);
    return true;
  });
}

export async function createDatabaseFromTemplate(serverUrl: string, database: string, template: string): Promise<void> {
  await withMaintenanceClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${quoted(database)} TEMPLATE ${quoted(template)}`));
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withMaintenanceClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoted(database)} WITH (FORCE)`));
}
