import { defineReactor } from '../../infra/projections/index.ts';
import { avatarKeysOf, avatarStorage } from './avatars.ts';
import type { IdentityEvent } from './events.ts';

/**
 * A deleted account's avatar files go with it: every image the member uploaded (earlier ones too), not only the
 * one their profile showed, whose URL the erasure has already destroyed with their key. Removing a file twice
 * is harmless, so a batch retried after a failure changes nothing more.
 */
export const deletedAvatars = defineReactor<IdentityEvent>({
  name: 'identity_deleted_avatars',
  on: {
    MemberDeleted: async (_client, run, { config, log }) => {
      const avatars = avatarStorage(config.dataDir);
      for (const { data } of run) {
        const removed = await avatars.removeAll(avatarKeysOf(data.memberId));
        if (removed > 0)
          log.info({ memberId: data.memberId, removed }, 'removed the avatar files of a deleted account');
      }
    },
  },
});
