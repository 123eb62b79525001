// The driver adapter Prisma Migrate uses in the CLI process. Prisma 6's WebAssembly schema engine
// needs no downloaded binary, but adapter-pg needs four fixes to drive it (three from shared/PLATFORM.md, one for PostgreSQL 18).
// It is the shop's own adapter-pg (7.x), which Prisma 6.19's engine drives as it did 6.19's; the
// types are 6.19's, the interface that CLI expects.
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

// Fix 1 (prisma/orm#27403): the schema engine reads catalog columns of type `name` and `"char"`,
// which adapter-pg cannot map. Both are plain text on the wire, so describe them as text.
// addFields is pg's internal hook that reads a query's row description.
const resultPrototype = pg.Result.prototype as unknown as { addFields(fields: pg.FieldDef[]): void };
const addFields = resultPrototype.addFields;
resultPrototype.addFields = function addFieldsAsText(fields) {
  for (const field of fields) {
    if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
  }
  addFields.call(this, fields);
};

// Fix 4: PostgreSQL 18 keeps NOT NULL constraints as pg_constraint rows of kind 'n'. Prisma 6's
// schema engine lists every constraint that is not p/u/f and panics ("unreachable") on that kind,
// and on CHECK constraints (kind 'c') read from a PostgreSQL 18 server, so `migrate dev` and
// `migrate diff` crash there. Its constraint query leaves both out: the engine reads NOT NULL from
// pg_attribute anyway, and Prisma does not manage CHECK constraints (they live in migrations only).
const CONSTRAINT_KINDS = "contype NOT IN ('p', 'u', 'f')";
const MANAGED_CONSTRAINT_KINDS = "contype NOT IN ('p', 'u', 'f', 'n', 'c')";

function withoutUnmanagedConstraints(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = (query) =>
    queryRaw(query.sql.includes(CONSTRAINT_KINDS) ? { ...query, sql: query.sql.replace(CONSTRAINT_KINDS, MANAGED_CONSTRAINT_KINDS) } : query);
  return adapter;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function migrationAdapter(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  // Fix 3: an idle pool must not keep the CLI alive after it has finished.
  const factory = new PrismaPg({ connectionString: databaseUrl, allowExitOnIdle: true });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => withoutUnmanagedConstraints(await factory.connect()),
    // Fix 2: the stock shadow database is dropped while its own pool still holds connections.
    // Close the shadow pool first, then drop the database from the main connection.
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      const database = `prisma_shadow_${process.pid}_${Date.now()}`;
      await admin.query(`CREATE DATABASE "${database}"`);
      const shadow = await new PrismaPg({ connectionString: withDatabase(databaseUrl, database), allowExitOnIdle: true }).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
        await admin.end();
      };
      return withoutUnmanagedConstraints(shadow);
    },
  };
}
