// The admin command line: `npm run admin -- <command>` (`npm run admin -- help` lists them). This file only
// wires the command groups to the dispatcher; each group lives in its own file under scripts/admin/.
import { loadConfig } from '../infra/config.ts';
import { skillswap } from '../modules/index.ts';
import { analyst } from './admin/analyst.ts';
import { connectAdmin } from './admin/database.ts';
import { runAdmin, terminalIo } from './admin/dispatch.ts';
import { events } from './admin/events.ts';
import { projections } from './admin/projections.ts';
import { roles } from './admin/roles.ts';

const io = terminalIo();

process.exitCode = await runAdmin(process.argv.slice(2), {
  groups: [projections, roles, events, analyst],
  app: skillswap,
  io,
  connect: () => connectAdmin(loadConfig(), skillswap, io.err),
});
