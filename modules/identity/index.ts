// The identity module: accounts, sign-in, profiles, roles. Other code enters it only through this file.
import type { z } from 'zod';
import type { ModuleDefinition } from '../../infra/platform.ts';
import { authenticate } from './authenticate.ts';
import { deletedAvatars } from './deleted-avatars.ts';
import { emailClaimsKeyed } from './email-claims-upgrade.ts';
import { changeRole, loadMember, memberIdForEmail, signUp, updateProfile } from './handlers.ts';
import {
  type EmailClaimed,
  GRANTABLE_ROLES,
  identityEvents,
  type MemberSignedUp,
  type PasswordChanged,
  type ProfileUpdated,
  type RoleGranted,
  type RoleRevoked,
} from './member.ts';
import { identityRoutes } from './routes.ts';
import { suspensionEnforcer } from './suspension.ts';

export const identity: ModuleDefinition = {
  name: 'identity',
  events: identityEvents,
  routes: identityRoutes,
  consumers: [suspensionEnforcer, deletedAvatars],
  dataUpgrades: [emailClaimsKeyed],
};

export { DELETED_NAME } from './member.ts';
export { isTimeZone } from './schemas.ts';
export { normalizeSkills, skillKey, tidySkill } from './skills.ts';
export { authenticate, changeRole, GRANTABLE_ROLES, loadMember, memberIdForEmail, signUp, updateProfile };

/** Event data as projectors and other modules read it. */
export type IdentityEventData = {
  MemberSignedUp: z.output<typeof MemberSignedUp.schema>;
  EmailClaimed: z.output<typeof EmailClaimed.schema>;
  PasswordChanged: z.output<typeof PasswordChanged.schema>;
  ProfileUpdated: z.output<typeof ProfileUpdated.schema>;
  RoleGranted: z.output<typeof RoleGranted.schema>;
  RoleRevoked: z.output<typeof RoleRevoked.schema>;
};
