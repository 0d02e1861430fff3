import type { Rejection } from '../../infra/event-store/index.ts';
import type { GRANTABLE_ROLES } from './events.ts';
import type { Member, MemberEvent, Profile } from './member.ts';

export type IdentityCommand =
  | {
      type: 'SignUp';
      data: { memberId: string; email: string; displayName: string; passwordHash: string; timezone: string };
    }
  | { type: 'ChangePassword'; data: { oldPasswordMatches: boolean; newPasswordHash: string } }
  /** With a password-reset token the edge has checked (and spent): the link in the email stands for the old one. */
  | { type: 'ResetPassword'; data: { newPasswordHash: string } }
  | { type: 'UpdateProfile'; data: { changes: Partial<Profile> } }
  | { type: 'GrantRole'; data: { role: (typeof GRANTABLE_ROLES)[number] } }
  | { type: 'RevokeRole'; data: { role: (typeof GRANTABLE_ROLES)[number] } }
  | { type: 'DeleteAccount'; data: { passwordMatches: boolean } };

export type { Rejection };

export const isRejection = (r: MemberEvent[] | Rejection): r is Rejection => !Array.isArray(r);

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Pure: what happens to a member when a command meets its current state. */
export function decide(command: IdentityCommand, state: Member): MemberEvent[] | Rejection {
  if (command.type === 'SignUp') {
    if (state.status !== 'none') return { reason: 'conflict', message: 'This account already exists.' };
    return [{ type: 'MemberSignedUp', data: command.data }];
  }
  if (state.status !== 'active') return { reason: 'not_found', message: 'No such member.' };
  const memberId = state.id;
  switch (command.type) {
    case 'DeleteAccount':
      if (!command.data.passwordMatches)
        return { reason: 'forbidden', message: 'The password is not correct.' };
      return [{ type: 'MemberDeleted', data: { memberId } }];
    case 'ChangePassword':
      if (!command.data.oldPasswordMatches) {
        return { reason: 'forbidden', message: 'The current password is not correct.' };
      }
      return [{ type: 'PasswordChanged', data: { memberId, passwordHash: command.data.newPasswordHash } }];
    case 'ResetPassword':
      return [{ type: 'PasswordChanged', data: { memberId, passwordHash: command.data.newPasswordHash } }];
    case 'UpdateProfile': {
      const changed = Object.fromEntries(
        Object.entries(command.data.changes).filter(
          ([key, value]) => value !== undefined && !sameValue(value, state.profile[key as keyof Profile]),
        ),
      );
      if (Object.keys(changed).length === 0) return [];
      return [{ type: 'ProfileUpdated', data: { memberId, ...changed } }];
    }
    case 'GrantRole':
      if (state.roles.includes(command.data.role)) {
        return { reason: 'conflict', message: `This member is already ${command.data.role}.` };
      }
      return [{ type: 'RoleGranted', data: { memberId, role: command.data.role } }];
    case 'RevokeRole':
      if (!state.roles.includes(command.data.role)) {
        return { reason: 'conflict', message: `This member is not ${command.data.role}.` };
      }
      return [{ type: 'RoleRevoked', data: { memberId, role: command.data.role } }];
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}
