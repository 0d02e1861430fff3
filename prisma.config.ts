import { defineConfig } from 'prisma/config';

// Prisma here only generates the typed client for the read-model tables; the schema is applied by our own
// migration runner (infra/db/migrate.ts) from prisma/migrations, so no datasource URL is needed for the CLI.
export default defineConfig({
  schema: 'prisma/schema.prisma',
});
