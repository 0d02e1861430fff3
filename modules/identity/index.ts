// The identity module: accounts, sign-in, profiles, roles. Other code enters it only through this file.
import type { ModuleDefinition } from '../../infra/deps.ts';
import { deletedAvatars } from './deleted-avatars.ts';
import { emailClaimsKeyed } from './email-claims-upgrade.ts';
import { GRANTABLE_ROLES, identityEvents } from './events.ts';
import { changeRole, loadMember, memberIdForEmail, signUp, updateProfile } from './handlers.ts';
import { authenticate } from './http/authenticate.ts';
import { dataExportRoutes } from './http/data-export.ts';
import { skillSpellings } from './http/facts.ts';
import { profileRoutes } from './http/profiles.ts';
import { memberSearchRoutes } from './member-search-routes.ts';
import { passwordResetRoutes } from './password-reset-routes.ts';
import { identityRoutes } from './routes.ts';
import { suspensionEnforcer } from './suspension.ts';

export const identity: ModuleDefinition = {
  name: 'identity',
  events: identityEvents,
  routes: async (app, context) => {
    await identityRoutes(app, context);
    await profileRoutes(app, context);
    passwordResetRoutes(app, context);
    memberSearchRoutes(app, context);
    dataExportRoutes(app, context);
  },
  consumers: [suspensionEnforcer, deletedAvatars],
  dataUpgrades: [emailClaimsKeyed],
};

export { DELETED_NAME, type IdentityEvent, type IdentityEventData } from './events.ts';
export { issueResetToken } from './password-reset.ts';
export { isTimeZone } from './schemas.ts';
export { normalizeSkills, skillKey, tidySkill } from './skills.ts';
export {
  authenticate,
  changeRole,
  GRANTABLE_ROLES,
  loadMember,
  memberIdForEmail,
  signUp,
  skillSpellings,
  updateProfile,
};
