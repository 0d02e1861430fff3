import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { validationFailed } from '../../infra/http/index.ts';
import { diskStorage } from '../../infra/storage.ts';
import { IDENTITY_LIMITS } from './limits.ts';

export const AVATAR_MAX_BYTES = IDENTITY_LIMITS.avatarBytes;

/** Uploaded avatars: files under DATA_DIR/avatars, each named after its member (avatarKeysOf). */
export const avatarStorage = (dataDir: string) => diskStorage(`${dataDir}/avatars`);
/** The start of the key of every avatar a member uploaded. */
export const avatarKeysOf = (memberId: string) => `${memberId}-`;
/** A 2 MB file can declare any size (a blank 8000×8000 PNG is a few KB), and decoding costs 3-4 bytes a pixel. */
export const AVATAR_MAX_PIXELS = 40_000_000;
const ACCEPTED = new Set(['png', 'jpeg', 'webp']);

const refuse = (message: string) => validationFailed([{ path: 'file', message }]);

/**
 * Checks that an upload really is a PNG, JPEG or WebP image (by its content, not its name or declared type) of a
 * size that is safe to decode, then re-encodes it as a 256×256 WebP: metadata (location, camera) is dropped and
 * nothing but pixels survives. Whatever the decoder makes of a bad file is a 400 at `file`, never a 500.
 */
export async function processAvatar(input: Buffer, memberId: string): Promise<{ key: string; data: Buffer }> {
  const metadata = await sharp(input)
    .metadata()
    .catch(() => null);
  if (!metadata?.format || !ACCEPTED.has(metadata.format)) throw refuse('must be a PNG, JPEG or WebP image');
  const { width = 0, height = 0 } = metadata;
  if (width * height > AVATAR_MAX_PIXELS) {
    throw refuse(
      `must be at most ${AVATAR_MAX_PIXELS / 1_000_000} megapixels (this one is ${width}×${height})`,
    );
  }
  let data: Buffer;
  try {
    data = await sharp(input, { limitInputPixels: AVATAR_MAX_PIXELS })
      .rotate()
      .resize(256, 256, { fit: 'cover', position: 'attention' })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    throw refuse(
      `is damaged or incomplete: it could not be read as a ${metadata.format.toUpperCase()} image`,
    );
  }
  const digest = createHash('sha256').update(data).digest('hex').slice(0, 16);
  return { key: `${avatarKeysOf(memberId)}${digest}.webp`, data };
}
