import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import {
  errors,
  id,
  idParam,
  listOf,
  notFound,
  requestMetadata,
  requireUser,
  singleLine,
  validationFailed,
} from '../../../infra/http/index.ts';
import { getProfile, listMentors } from '../../../read-models/member-profiles/queries.ts';
import { profileView } from '../../../read-models/member-profiles/views.ts';
import { searchSkills } from '../../../read-models/skill-catalogue/queries.ts';
import { skillView } from '../../../read-models/skill-catalogue/views.ts';
import { AVATAR_MAX_BYTES, avatarStorage, processAvatar } from '../avatars.ts';
import { updateProfile } from '../handlers.ts';
import { mentorQuery, profilePatch } from '../schemas.ts';
import { skillSpellings } from './facts.ts';

/** Profiles: editing one's own (and its avatar), public profiles, the mentor directory, skill autocomplete. */
export async function profileRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const avatars = avatarStorage(deps.config.dataDir);
  await app.register(multipart, { limits: { fileSize: AVATAR_MAX_BYTES, files: 1, fields: 0 } });

  r.patch(
    '/api/me/profile',
    {
      schema: {
        tags: ['identity'],
        summary: 'Edit your profile: any of the fields',
        body: profilePatch,
        response: { 200: z.object({ profile: profileView }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      await updateProfile(
        deps.command,
        user.id,
        request.body,
        await skillSpellings(deps.pool, request.body),
        requestMetadata(request),
      );
      return { profile: (await getProfile(deps.pool, user.id))! };
    },
  );

  r.post(
    '/api/me/avatar',
    {
      schema: {
        tags: ['identity'],
        summary: 'Upload an avatar (multipart field `file`: PNG, JPEG or WebP, at most 2 MB)',
        consumes: ['multipart/form-data'],
        response: { 200: z.object({ profile: profileView }), ...errors(400, 401, 413) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      if (!request.isMultipart())
        throw validationFailed([{ path: 'file', message: 'send the image as multipart/form-data' }]);
      const file = await request.file();
      if (!file) throw validationFailed([{ path: 'file', message: 'is required' }]);
      const buffer = await file.toBuffer();
      const { key, data } = await processAvatar(buffer, user.id);
      await avatars.put(key, data);
      await updateProfile(
        deps.command,
        user.id,
        { avatarUrl: `/api/avatars/${key}` },
        { spellings: new Map() },
        requestMetadata(request),
      );
      return { profile: (await getProfile(deps.pool, user.id))! };
    },
  );

  r.get(
    '/api/avatars/:key',
    {
      schema: {
        tags: ['identity'],
        summary: 'An uploaded avatar',
        params: z.object({ key: id(200) }),
      },
    },
    async (request, reply) => {
      const stream = await avatars.get(request.params.key);
      if (!stream) throw notFound('That image');
      // The key holds a hash of the content: a new avatar gets a new URL, so this one can be cached for good.
      return reply
        .header('content-type', 'image/webp')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(stream);
    },
  );

  r.get(
    '/api/users/:id',
    {
      config: { publicCache: true },
      schema: {
        tags: ['identity'],
        summary: "A member's public profile",
        params: idParam,
        response: { 200: z.object({ profile: profileView }), ...errors(404) },
      },
    },
    async (request) => {
      const profile = await getProfile(deps.pool, request.params.id);
      if (!profile) throw notFound('That member');
      return { profile };
    },
  );

  r.get(
    '/api/mentors',
    {
      config: { publicCache: true },
      schema: {
        tags: ['identity'],
        summary: 'The mentor directory: members who teach at least one skill',
        querystring: mentorQuery,
        response: { 200: listOf(profileView), ...errors(400) },
      },
    },
    async (request) => listMentors(deps.pool, request.query),
  );

  r.get(
    '/api/skills',
    {
      config: { publicCache: true },
      schema: {
        tags: ['identity'],
        summary: 'Skill autocomplete: known skills matching the text, most used first',
        querystring: z.object({
          q: singleLine({ max: 50, trim: false }).default(''),
          limit: z.coerce.number().int().min(1).max(50).default(10),
        }),
        response: {
          200: z.object({ items: z.array(skillView) }),
        },
      },
    },
    async (request) => ({ items: await searchSkills(deps.pool, request.query.q, request.query.limit) }),
  );
}
