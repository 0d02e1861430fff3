import { type Checkpoint, CommandRejected } from '../../infra/event-store/index.ts';
import type { ProjectorsWait } from '../../infra/projections/index.ts';
import { changeRole, GRANTABLE_ROLES } from '../../modules/identity/index.ts';
import { type CommandGroup, UsageError } from './dispatch.ts';

type Role = (typeof GRANTABLE_ROLES)[number];

/** `roles grant <email> <role>` and `roles revoke <email> <role>`: roles are events in the member's stream. */
export const roles: CommandGroup = {
  name: 'roles',
  summary: 'Grant or revoke the moderator and admin roles',
  usage: ['roles grant <email> <moderator|admin>', 'roles revoke <email> <moderator|admin>'],
  run: async (args, { io, database }) => {
    const [action, email, role, ...rest] = args;
    if ((action !== 'grant' && action !== 'revoke') || !email || !role || rest.length > 0) {
      throw new UsageError('roles takes: grant|revoke <email> <role>');
    }
    if (!GRANTABLE_ROLES.includes(role as Role)) {
      throw new UsageError(`unknown role "${role}": choose ${GRANTABLE_ROLES.join(' or ')}`);
    }
    const db = await database();
    let shown: ProjectorsWait | undefined;
    // As the API does (read-your-writes): the member's next request must already find the role changed.
    const waitForReadModels = async ({ checkpoint }: { checkpoint: Checkpoint }) => {
      shown = await db.readModelsShow(checkpoint);
    };
    try {
      await changeRole({ store: db.store, waitForReadModels }, email, role as Role, action === 'grant', {
        actorId: null,
        via: 'admin-cli',
      });
    } catch (err) {
      if (err instanceof CommandRejected) throw new Error(err.message);
      throw err;
    }
    io.out(action === 'grant' ? `${email} is now ${role}.` : `${email} is no longer ${role}.`);
    if (shown === 'no-runner') {
      io.out('No SkillSwap server is running on this database: the change shows once one runs.');
    } else if (shown === 'timed-out') {
      io.out(
        `The running server's read models have not shown it within ${db.readYourWritesTimeoutMs} ms ` +
          '(READ_YOUR_WRITES_TIMEOUT_MS); it shows once they catch up: see npm run admin -- projections status.',
      );
    }
  },
};
