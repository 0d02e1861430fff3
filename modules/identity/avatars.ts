import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { validationFailed } from '../../infra/http/index.ts';
import { diskStorage } from '../../infra/storage.ts';

export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

/** Uploaded avatars: files under DATA_DIR/avatars, each named after its member (avatarKeysOf). */
export const avatarStorage = (dataDir: string) => diskStorage(`${dataDir}/avatars`);
/** The start of the key of every avatar a member uploaded. */
export const avatarKeysOf = (memberId: string) => `${memberId}-`;
const ACCEPTED = new Set(['png', 'jpeg', 'webp']);

/**
 * Checks that an upload really is a PNG, JPEG or WebP image (by its content, not its name or declared type),
 * then re-encodes it as a 256×256 WebP: metadata (location, camera) is dropped and nothing but pixels survives.
 */
export async function processAvatar(input: Buffer, memberId: string): Promise<{ key: string; data: Buffer }> {
  let format: string | undefined;
  try {
    format = (await sharp(input).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!format || !ACCEPTED.has(format)) {
    throw validationFailed([{ path: 'file', message: 'must be a PNG, JPEG or WebP image' }]);
  }
  const data = await sharp(input, { limitInputPixels: 40_000_000 })
    .rotate()
    .resize(256, 256, { fit: 'cover', position: 'attention' })
    .webp({ quality: 82 })
    .toBuffer();
  const digest = createHash('sha256').update(data).digest('hex').slice(0, 16);
  return { key: `${avatarKeysOf(memberId)}${digest}.webp`, data };
}
