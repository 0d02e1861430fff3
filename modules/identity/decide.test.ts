// The member decider, pure: given past events, when a command arrives, then these events (or this rejection).
import { describe, expect, it } from 'vitest';
import { decide, type IdentityCommand, isRejection } from './decide.ts';
import { evolve, initialMember, type Member, type MemberEvent } from './member.ts';

const signedUp: MemberEvent = {
  type: 'MemberSignedUp',
  data: {
    memberId: 'm1',
    email: 'ada@example.com',
    displayName: 'Ada',
    passwordHash: 'hash-1',
    timezone: 'UTC',
  },
};

const given = (...events: MemberEvent[]): Member => events.reduce(evolve, initialMember);

/** Given these events, when the command runs, the result; and the state the emitted events lead to. */
function when(history: MemberEvent[], command: IdentityCommand) {
  const state = given(...history);
  const result = decide(command, state);
  const after = isRejection(result) ? state : result.reduce(evolve, state);
  return { result, after };
}

describe('evolve', () => {
  it('starts with no member', () => {
    expect(given()).toEqual({ status: 'none' });
  });

  it('makes an active member with an empty profile and the member role on MemberSignedUp', () => {
    expect(given(signedUp)).toEqual({
      status: 'active',
      id: 'm1',
      email: 'ada@example.com',
      passwordHash: 'hash-1',
      roles: ['member'],
      profile: {
        displayName: 'Ada',
        bio: '',
        avatarUrl: null,
        skillsToTeach: [],
        skillsToLearn: [],
        timezone: 'UTC',
      },
    });
  });

  it('changes only the fields a ProfileUpdated carries', () => {
    const state = given(signedUp, { type: 'ProfileUpdated', data: { memberId: 'm1', bio: 'Hello' } });
    expect(state.status === 'active' && state.profile).toMatchObject({
      displayName: 'Ada',
      bio: 'Hello',
      timezone: 'UTC',
    });
  });

  it('sets avatarUrl back to null when the event says null', () => {
    const state = given(
      signedUp,
      { type: 'ProfileUpdated', data: { memberId: 'm1', avatarUrl: 'https://example.com/a.png' } },
      { type: 'ProfileUpdated', data: { memberId: 'm1', avatarUrl: null } },
    );
    expect(state.status === 'active' && state.profile.avatarUrl).toBeNull();
  });

  it('grants a role once, and revokes it', () => {
    const grant: MemberEvent = { type: 'RoleGranted', data: { memberId: 'm1', role: 'moderator' } };
    const granted = given(signedUp, grant, grant);
    expect(granted.status === 'active' && granted.roles).toEqual(['member', 'moderator']);
    const revoked = given(signedUp, grant, {
      type: 'RoleRevoked',
      data: { memberId: 'm1', role: 'moderator' },
    });
    expect(revoked.status === 'active' && revoked.roles).toEqual(['member']);
  });

  it('ignores events other than MemberSignedUp before the member exists', () => {
    expect(given({ type: 'PasswordChanged', data: { memberId: 'm1', passwordHash: 'x' } })).toEqual({
      status: 'none',
    });
  });
});

describe('decide: SignUp', () => {
  const command: IdentityCommand = {
    type: 'SignUp',
    data: signedUp.data as Extract<IdentityCommand, { type: 'SignUp' }>['data'],
  };

  it('signs up a new member', () => {
    expect(when([], command).result).toEqual([signedUp]);
  });

  it('refuses a second sign-up on the same stream (conflict)', () => {
    expect(when([signedUp], command).result).toMatchObject({ reason: 'conflict' });
  });
});

describe('decide: commands on a member that does not exist', () => {
  it.each<IdentityCommand>([
    { type: 'ChangePassword', data: { oldPasswordMatches: true, newPasswordHash: 'h' } },
    { type: 'ResetPassword', data: { newPasswordHash: 'h' } },
    { type: 'UpdateProfile', data: { changes: { bio: 'x' } } },
    { type: 'GrantRole', data: { role: 'admin' } },
    { type: 'RevokeRole', data: { role: 'admin' } },
  ])('refuses $type with not_found', (command) => {
    expect(when([], command).result).toMatchObject({ reason: 'not_found' });
  });
});

describe('decide: ChangePassword', () => {
  it('changes the password when the old one matched', () => {
    const { result, after } = when([signedUp], {
      type: 'ChangePassword',
      data: { oldPasswordMatches: true, newPasswordHash: 'hash-2' },
    });
    expect(result).toEqual([{ type: 'PasswordChanged', data: { memberId: 'm1', passwordHash: 'hash-2' } }]);
    expect(after.status === 'active' && after.passwordHash).toBe('hash-2');
  });

  it('refuses when the old password did not match (forbidden)', () => {
    const { result } = when([signedUp], {
      type: 'ChangePassword',
      data: { oldPasswordMatches: false, newPasswordHash: 'x' },
    });
    expect(result).toMatchObject({ reason: 'forbidden' });
  });
});

describe('decide: ResetPassword', () => {
  it('sets the new password of an active member without the old one', () => {
    const { result, after } = when([signedUp], {
      type: 'ResetPassword',
      data: { newPasswordHash: 'hash-3' },
    });
    expect(result).toEqual([{ type: 'PasswordChanged', data: { memberId: 'm1', passwordHash: 'hash-3' } }]);
    expect(after.status === 'active' && after.passwordHash).toBe('hash-3');
  });

  it('resets nothing on a deleted account (not_found)', () => {
    const deleted: MemberEvent = { type: 'MemberDeleted', data: { memberId: 'm1' } };
    const { result } = when([signedUp, deleted], { type: 'ResetPassword', data: { newPasswordHash: 'h' } });
    expect(result).toMatchObject({ reason: 'not_found' });
  });
});

describe('decide: UpdateProfile', () => {
  it('records only the fields whose value changes', () => {
    const { result, after } = when([signedUp], {
      type: 'UpdateProfile',
      data: { changes: { displayName: 'Ada', bio: 'Mathematician', skillsToTeach: ['Maths'] } },
    });
    expect(result).toEqual([
      { type: 'ProfileUpdated', data: { memberId: 'm1', bio: 'Mathematician', skillsToTeach: ['Maths'] } },
    ]);
    expect(after.status === 'active' && after.profile).toMatchObject({
      bio: 'Mathematician',
      skillsToTeach: ['Maths'],
    });
  });

  it('records nothing when nothing changes', () => {
    const { result } = when([signedUp], {
      type: 'UpdateProfile',
      data: { changes: { displayName: 'Ada', bio: '' } },
    });
    expect(result).toEqual([]);
  });

  it('ignores fields given as undefined', () => {
    const { result } = when([signedUp], { type: 'UpdateProfile', data: { changes: { bio: undefined } } });
    expect(result).toEqual([]);
  });

  it('records a change of avatarUrl to null', () => {
    const withAvatar: MemberEvent = {
      type: 'ProfileUpdated',
      data: { memberId: 'm1', avatarUrl: 'https://x.test/a' },
    };
    const { result } = when([signedUp, withAvatar], {
      type: 'UpdateProfile',
      data: { changes: { avatarUrl: null } },
    });
    expect(result).toEqual([{ type: 'ProfileUpdated', data: { memberId: 'm1', avatarUrl: null } }]);
  });

  it('treats a reordered skill list as a change (order is the member’s choice)', () => {
    const skills: MemberEvent = {
      type: 'ProfileUpdated',
      data: { memberId: 'm1', skillsToLearn: ['A', 'B'] },
    };
    const { result } = when([signedUp, skills], {
      type: 'UpdateProfile',
      data: { changes: { skillsToLearn: ['B', 'A'] } },
    });
    expect(result).toEqual([{ type: 'ProfileUpdated', data: { memberId: 'm1', skillsToLearn: ['B', 'A'] } }]);
  });
});

describe('decide: roles', () => {
  const moderator: MemberEvent = { type: 'RoleGranted', data: { memberId: 'm1', role: 'moderator' } };

  it('grants a role the member does not have', () => {
    const { result, after } = when([signedUp], { type: 'GrantRole', data: { role: 'moderator' } });
    expect(result).toEqual([moderator]);
    expect(after.status === 'active' && after.roles).toEqual(['member', 'moderator']);
  });

  it('refuses to grant a role twice (conflict)', () => {
    expect(
      when([signedUp, moderator], { type: 'GrantRole', data: { role: 'moderator' } }).result,
    ).toMatchObject({
      reason: 'conflict',
    });
  });

  it('revokes a role the member has', () => {
    const { result } = when([signedUp, moderator], { type: 'RevokeRole', data: { role: 'moderator' } });
    expect(result).toEqual([{ type: 'RoleRevoked', data: { memberId: 'm1', role: 'moderator' } }]);
  });

  it('refuses to revoke a role the member does not have (conflict)', () => {
    expect(when([signedUp], { type: 'RevokeRole', data: { role: 'admin' } }).result).toMatchObject({
      reason: 'conflict',
    });
  });
});
