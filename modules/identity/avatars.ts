import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { validationFailed } from '../../infra/http/index.ts';

export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;
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
  return { key: `${memberId}-${digest}.webp`, data };
}
