// Generates the typed Prisma client for the read-model tables (prisma/generated). Prisma 7's CLI wants its native
// schema engine on disk even for `generate`, which never uses it; that engine cannot be downloaded everywhere, so we
// point the variable at an existing file. Migrations are ours (prisma/migrations, applied at start), never Prisma's.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);
