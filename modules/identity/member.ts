// A member's state, folded from their stream `member-<id>` (its events: events.ts).
import type { IdentityEvent, Role } from './events.ts';

/** The events of a member's own stream. */
export type MemberEvent = Extract<
  IdentityEvent,
  {
    type:
      | 'MemberSignedUp'
      | 'PasswordChanged'
      | 'ProfileUpdated'
      | 'RoleGranted'
      | 'RoleRevoked'
      | 'MemberDeleted';
  }
>;

export type Profile = {
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  skillsToTeach: string[];
  skillsToLearn: string[];
  timezone: string;
};

export type Member =
  | { status: 'none' }
  | { status: 'deleted'; id: string }
  | {
      status: 'active';
      id: string;
      email: string;
      passwordHash: string;
      roles: Role[];
      profile: Profile;
    };

export const initialMember: Member = { status: 'none' };

export function evolve(state: Member, event: MemberEvent): Member {
  switch (event.type) {
    case 'MemberSignedUp':
      return {
        status: 'active',
        id: event.data.memberId,
        email: event.data.email,
        passwordHash: event.data.passwordHash,
        roles: ['member'],
        profile: {
          displayName: event.data.displayName,
          bio: '',
          avatarUrl: null,
          skillsToTeach: [],
          skillsToLearn: [],
          timezone: event.data.timezone,
        },
      };
  }
  if (state.status !== 'active') return state;
  switch (event.type) {
    case 'MemberDeleted':
      return { status: 'deleted', id: state.id };
    case 'PasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash };
    case 'ProfileUpdated': {
      const { memberId: _, ...changes } = event.data;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      return { ...state, profile: { ...state.profile, ...defined } };
    }
    case 'RoleGranted':
      return state.roles.includes(event.data.role)
        ? state
        : { ...state, roles: [...state.roles, event.data.role] };
    case 'RoleRevoked':
      return { ...state, roles: state.roles.filter((r) => r !== event.data.role) };
  }
}
