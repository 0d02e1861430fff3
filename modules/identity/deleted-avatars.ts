import type { Reactor } from '../../infra/projections/index.ts';
import { avatarKeysOf, avatarStorage } from './avatars.ts';

/**
 * A deleted account's avatar files go with it: every image the member uploaded (earlier ones too), not only the
 * one their profile showed, whose URL the erasure has already destroyed with their key. Removing a file twice
 * is harmless, so a batch retried after a failure changes nothing more.
 */
export const deletedAvatars: Reactor = {
  name: 'identity_deleted_avatars',
  kind: 'reactor',
  eventTypes: ['MemberDeleted'],
  handle: async (_client, events, { config, log }) => {
    const avatars = avatarStorage(config.dataDir);
    for (const event of events) {
      const { memberId } = event.data as { memberId: string };
      const removed = await avatars.removeAll(avatarKeysOf(memberId));
      if (removed > 0) log.info({ memberId, removed }, 'removed the avatar files of a deleted account');
    }
  },
};
