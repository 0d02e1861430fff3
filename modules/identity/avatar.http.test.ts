// POST /api/me/avatar and GET /api/avatars/:key, with real images made by sharp.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { multipartFile, signUpAs } from '../testing.ts';

let app: Platform;
let dataDir: string;

beforeAll(async () => {
  // Avatars are written under DATA_DIR: a temporary one, so the tests leave ./data alone.
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-avatar-test-'));
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000, dataDir } });
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const solid = () => sharp({ create: { width: 600, height: 400, channels: 3, background: '#3366cc' } });
/** Random pixels do not compress: a PNG of about width × height × 3 bytes. */
const noisePng = (width: number, height: number) =>
  sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();

/** A JPEG of random pixels: its data runs the whole file, so a cut anywhere lands in the middle of it. */
const noiseJpeg = () =>
  sharp(randomBytes(200 * 200 * 3), { raw: { width: 200, height: 200, channels: 3 } })
    .jpeg()
    .toBuffer();

async function upload(cookie: string | null, data: Buffer, filename: string, type: string, field = 'file') {
  const { payload, contentType } = await multipartFile(data, filename, type, field);
  return app.http.inject({
    method: 'POST',
    url: '/api/me/avatar',
    headers: { 'content-type': contentType, ...(cookie ? { cookie } : {}) },
    payload,
  });
}

describe('POST /api/me/avatar', () => {
  it.each([
    ['PNG', 'me.png', 'image/png', () => solid().png().toBuffer()],
    ['JPEG', 'me.jpg', 'image/jpeg', () => solid().jpeg().toBuffer()],
    ['WebP', 'me.webp', 'image/webp', () => solid().webp().toBuffer()],
  ])(
    'accepts a %s and serves it as a 256×256 WebP that may be cached for good',
    async (_kind, name, type, make) => {
      // Given a member and a 600×400 image
      const { user, cookie } = await signUpAs(app);
      // When it is uploaded
      const res = await upload(cookie, await make(), name, type);
      // Then the profile points at the re-encoded avatar
      expect(res.statusCode, res.body).toBe(200);
      const { profile } = res.json();
      expect(profile.id).toBe(user.id);
      expect(profile.avatarUrl).toMatch(/^\/api\/avatars\/[\w.-]+\.webp$/);
      expect(
        (await app.http.inject({ method: 'GET', url: `/api/users/${user.id}` })).json().profile.avatarUrl,
      ).toBe(profile.avatarUrl);
      // And that URL answers a 256×256 WebP, immutable
      const image = await app.http.inject({ method: 'GET', url: profile.avatarUrl });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/webp');
      expect(String(image.headers['cache-control'])).toMatch(/immutable/);
      const meta = await sharp(image.rawPayload).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    },
  );

  it('crops a wide image to its centre, as the preview shows it (object-fit: cover), whatever is at its edges', async () => {
    // A 600×200 image: busy noise on the left third (what a saliency crop picks), plain green in the middle,
    // plain blue on the right. The preview shows the middle square; the saved avatar must show the same.
    const noise = await sharp(randomBytes(200 * 200 * 3), { raw: { width: 200, height: 200, channels: 3 } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#0000ff' } })
      .png()
      .toBuffer();
    const wide = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#00ff00' } })
      .composite([
        { input: noise, left: 0, top: 0 },
        { input: blue, left: 400, top: 0 },
      ])
      .png()
      .toBuffer();
    const { cookie } = await signUpAs(app);
    const url = (await upload(cookie, wide, 'wide.png', 'image/png')).json().profile.avatarUrl;
    const saved = (await app.http.inject({ method: 'GET', url })).rawPayload;
    const { data, info } = await sharp(saved).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    for (const x of [8, 128, 247]) {
      const [r, g, b] = pixel(x, 128);
      expect({ x, green: g! > 200 && r! < 60 && b! < 60 }).toEqual({ x, green: true });
    }
  });

  it('gives a new image a new URL, and the old URL keeps its image', async () => {
    const { cookie } = await signUpAs(app);
    const first = (await upload(cookie, await solid().png().toBuffer(), 'a.png', 'image/png')).json().profile
      .avatarUrl;
    const red = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#cc0000' } })
      .png()
      .toBuffer();
    const second = (await upload(cookie, red, 'b.png', 'image/png')).json().profile.avatarUrl;
    expect(second).not.toBe(first);
    expect((await app.http.inject({ method: 'GET', url: first })).statusCode).toBe(200);
  });

  it('drops metadata such as EXIF from the stored image', async () => {
    const { cookie } = await signUpAs(app);
    const withExif = await solid()
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret location' } })
      .toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const url = (await upload(cookie, withExif, 'me.jpg', 'image/jpeg')).json().profile.avatarUrl;
    const stored = (await app.http.inject({ method: 'GET', url })).rawPayload;
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
  });

  it('accepts an image between the 1 MB JSON body limit and the 2 MB avatar limit', async () => {
    const { cookie } = await signUpAs(app);
    const big = await noisePng(800, 700);
    expect(big.length).toBeGreaterThan(1.5 * 1024 * 1024);
    expect(big.length).toBeLessThan(2 * 1024 * 1024);
    expect((await upload(cookie, big, 'big.png', 'image/png')).statusCode).toBe(200);
  });

  it('refuses a text file named .png (400 validation_failed at path file)', async () => {
    const { user, cookie } = await signUpAs(app);
    const res = await upload(cookie, Buffer.from('this is not an image\n'), 'evil.png', 'image/png');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'file' }] });
    expect(
      (await app.http.inject({ method: 'GET', url: `/api/users/${user.id}` })).json().profile.avatarUrl,
    ).toBeNull();
  });

  it.each([
    [
      'a truncated PNG',
      async () => (await solid().png().toBuffer()).subarray(0, 600),
      /damaged or incomplete/,
    ],
    ['a truncated JPEG', async () => (await noiseJpeg()).subarray(0, 2000), /damaged or incomplete/],
    [
      // 64 megapixels that compress to a few KB: decoding it would take about 200 MB of memory.
      'an 8000×8000 PNG',
      () =>
        sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
      /at most 40 megapixels/,
    ],
  ])(
    'refuses %s with 400 at path file and a reason, and keeps the avatar as it was',
    async (_what, make, reason) => {
      // Given a member with an avatar
      const { user, cookie } = await signUpAs(app);
      const before = (await upload(cookie, await solid().png().toBuffer(), 'a.png', 'image/png')).json()
        .profile.avatarUrl;
      // When the bad image is uploaded
      const image = await make();
      expect(image.length).toBeLessThan(2 * 1024 * 1024);
      const res = await upload(cookie, image, 'bad.png', 'image/png');
      // Then it is refused with a reason, and the profile keeps its avatar
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'file', message: expect.stringMatching(reason) }],
      });
      const profile = (await app.http.inject({ method: 'GET', url: `/api/users/${user.id}` })).json().profile;
      expect(profile.avatarUrl).toBe(before);
    },
  );

  it('refuses a GIF, a real image of a format not accepted (400)', async () => {
    const { cookie } = await signUpAs(app);
    const gif = await solid().gif().toBuffer();
    expect((await sharp(gif).metadata()).format).toBe('gif');
    const res = await upload(cookie, gif, 'me.png', 'image/png');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'file' }] });
  });

  it('refuses a file over 2 MB (413 payload_too_large)', async () => {
    const { user, cookie } = await signUpAs(app);
    const huge = await noisePng(1000, 1000);
    expect(huge.length).toBeGreaterThan(2 * 1024 * 1024);
    const res = await upload(cookie, huge, 'huge.png', 'image/png');
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
    expect(
      (await app.http.inject({ method: 'GET', url: `/api/users/${user.id}` })).json().profile.avatarUrl,
    ).toBeNull();
  });

  it('refuses a request that is not multipart (400)', async () => {
    const { cookie } = await signUpAs(app);
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/me/avatar',
      headers: { cookie },
      payload: { file: 'data:image/png;base64,AAAA' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'file' }] });
  });

  it('refuses a multipart body without a file (400 at path file)', async () => {
    const { cookie } = await signUpAs(app);
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/me/avatar',
      headers: { cookie, 'content-type': 'multipart/form-data; boundary=----nothing' },
      payload: '------nothing--\r\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'file' }] });
  });

  it('answers 401 when signed out', async () => {
    const res = await upload(null, await solid().png().toBuffer(), 'me.png', 'image/png');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });
});

describe('GET /api/avatars/:key', () => {
  it('answers 404 for an unknown key and for a key that tries to leave the folder', async () => {
    for (const key of ['nobody-0123456789abcdef.webp', '..%2F..%2Fpackage.json', '.env']) {
      const res = await app.http.inject({ method: 'GET', url: `/api/avatars/${key}` });
      expect(res.statusCode, key).toBe(404);
    }
  });
});
