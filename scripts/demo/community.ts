// The demo community: on the first start of an empty embedded database (SEED_DEMO not 0) SkillSwap fills itself
// with believable members and sessions, created through the same commands members use, so a newcomer sees a
// living site. Everyone's password is DEMO_PASSWORD; the README lists the logins.
import type { Platform } from '../../infra/platform.ts';
import { submitReview } from '../../modules/feedback/index.ts';
import { changeRole, signUp, skillSpellings, updateProfile } from '../../modules/identity/index.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../../modules/sessions/index.ts';

// It passes the password rule like any member's: nothing of the site's name or the demo addresses in it.
export const DEMO_PASSWORD = 'learning together daily';

type Person = { key: string; name: string; tz: string; bio: string; teach: string[]; learn: string[] };

const PEOPLE: Person[] = [
  {
    key: 'kwame',
    name: 'Kwame Mensah',
    tz: 'Africa/Accra',
    bio: 'Backend engineer who loves type systems and tidy tests. I teach the TypeScript I wish I had learned first.',
    teach: ['TypeScript', 'Node.js', 'Testing'],
    learn: ['Guitar'],
  },
  {
    key: 'ana',
    name: 'Ana López',
    tz: 'Europe/Madrid',
    bio: 'Home baker for fifteen years. Sourdough, laminated doughs and everything fermented.',
    teach: ['Baking', 'Fermentation'],
    learn: ['Watercolour'],
  },
  {
    key: 'priya',
    name: 'Priya Raman',
    tz: 'Asia/Kolkata',
    bio: 'Toastmasters club coach. I help nervous speakers find a structure and a voice.',
    teach: ['Public speaking', 'Storytelling'],
    learn: ['Spanish'],
  },
  {
    key: 'mei',
    name: 'Mei Chen',
    tz: 'Asia/Singapore',
    bio: 'Illustrator. Watercolour skies, ink sketching, and learning to see light.',
    teach: ['Watercolour', 'Drawing'],
    learn: ['Baking'],
  },
  {
    key: 'sam',
    name: "Sam O'Brien",
    tz: 'Europe/Dublin',
    bio: 'Session guitarist and patient teacher of first chords.',
    teach: ['Guitar', 'Music theory'],
    learn: ['TypeScript'],
  },
  {
    key: 'lucia',
    name: 'Lucía Fernández',
    tz: 'America/Mexico_City',
    bio: 'Language teacher. Conversation first, grammar when you need it.',
    teach: ['Spanish'],
    learn: ['Public speaking'],
  },
  {
    key: 'jonas',
    name: 'Jonas Weber',
    tz: 'Europe/Berlin',
    bio: 'Product designer learning to code and to speak Spanish.',
    teach: [],
    learn: ['TypeScript', 'Spanish', 'Public speaking'],
  },
  {
    key: 'aisha',
    name: 'Aisha Bello',
    tz: 'Africa/Lagos',
    bio: 'Nurse on night shifts; weekend baker and aspiring guitarist.',
    teach: [],
    learn: ['Baking', 'Guitar', 'Watercolour'],
  },
  {
    key: 'morgan',
    name: 'Morgan Reyes',
    tz: 'America/New_York',
    bio: 'Community moderator. Reach out if anything feels off.',
    teach: [],
    learn: ['Drawing'],
  },
];

type Plan = {
  host: string;
  title: string;
  skill: string;
  difficulty: 'beginner' | 'intermediate' | 'advanced';
  inDays: number;
  hour: number;
  minutes: number;
  capacity: number;
  students: string[];
  description: string;
  prerequisites?: string[];
  /** For past sessions: what each attendee thought, as [rating, comment]. */
  reviews?: Record<string, [number, string]>;
};

const SESSIONS: Plan[] = [
  {
    host: 'ana',
    title: 'Intro to sourdough: starter to first loaf',
    skill: 'Baking',
    difficulty: 'beginner',
    inDays: 1,
    hour: 17,
    minutes: 90,
    capacity: 8,
    students: ['aisha', 'mei'],
    description:
      'We feed a starter together, mix a simple dough and talk through shaping and baking. Bring flour, water and a jar.',
  },
  {
    host: 'kwame',
    title: 'TypeScript generics without tears',
    skill: 'TypeScript',
    difficulty: 'intermediate',
    inDays: 2,
    hour: 18,
    minutes: 60,
    capacity: 6,
    students: ['jonas', 'sam'],
    description: 'From `Array<T>` to constrained generics and inference, with small exercises.',
    prerequisites: ['Basic TypeScript syntax'],
  },
  {
    host: 'lucia',
    title: 'Conversational Spanish: ordering food',
    skill: 'Spanish',
    difficulty: 'beginner',
    inDays: 3,
    hour: 19,
    minutes: 45,
    capacity: 3,
    students: ['jonas', 'priya', 'aisha'],
    description: 'Role-play at a taquería. Lots of speaking, no homework.',
  },
  {
    host: 'mei',
    title: 'Watercolour skies',
    skill: 'Watercolour',
    difficulty: 'advanced',
    inDays: 4,
    hour: 10,
    minutes: 120,
    capacity: 10,
    students: ['ana', 'aisha'],
    description: 'Wet-on-wet gradients, lifting clouds, and sunsets that do not turn to mud.',
  },
  {
    host: 'sam',
    title: 'Guitar chords for absolute beginners',
    skill: 'Guitar',
    difficulty: 'beginner',
    inDays: 5,
    hour: 18,
    minutes: 60,
    capacity: 4,
    students: ['aisha', 'kwame'],
    description: 'G, C, D and E minor, and your first song by the end.',
  },
  {
    host: 'priya',
    title: 'Public speaking: structure a five-minute talk',
    skill: 'Public speaking',
    difficulty: 'intermediate',
    inDays: 6,
    hour: 16,
    minutes: 75,
    capacity: 8,
    students: ['jonas', 'lucia'],
    description: 'A simple frame for any short talk, then everyone gives one.',
  },
  {
    host: 'kwame',
    title: 'Testing Node.js services with real databases',
    skill: 'Testing',
    difficulty: 'advanced',
    inDays: 9,
    hour: 18,
    minutes: 90,
    capacity: 12,
    students: [],
    description: 'Containers, embedded servers and why mocks of the database lie.',
  },
  {
    host: 'ana',
    title: 'Fermentation basics: sauerkraut and kimchi',
    skill: 'Fermentation',
    difficulty: 'beginner',
    inDays: -6,
    hour: 17,
    minutes: 60,
    capacity: 8,
    students: ['aisha', 'mei', 'priya'],
    description: 'Salt, cabbage, patience.',
    reviews: {
      aisha: [5, 'My first jar of kimchi worked. Ana explains the why, not just the how.'],
      mei: [5, 'Calm, precise and fun.'],
      priya: [4, 'Great session; I wanted a little more time for questions.'],
    },
  },
  {
    host: 'kwame',
    title: 'TypeScript from JavaScript in one evening',
    skill: 'TypeScript',
    difficulty: 'beginner',
    inDays: -10,
    hour: 18,
    minutes: 90,
    capacity: 10,
    students: ['jonas', 'sam', 'morgan'],
    description: 'Types, interfaces and the compiler as a friend.',
    reviews: {
      jonas: [5, 'Finally understood why the compiler complains. Excellent examples.'],
      sam: [5, 'Clear and patient.'],
    },
  },
  {
    host: 'sam',
    title: 'Reading chord charts',
    skill: 'Music theory',
    difficulty: 'beginner',
    inDays: -3,
    hour: 18,
    minutes: 45,
    capacity: 6,
    students: ['aisha', 'kwame'],
    description: 'Roman numerals, slash chords and the Nashville number system.',
    reviews: { kwame: [4, 'Dense but rewarding.'] },
  },
];

function at(inDays: number, hour: number, now: Date): string {
  const d = new Date(now);
  d.setUTCDate(d.getUTCDate() + inDays);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

/** True when there is nothing in the event log yet: the demo is only ever added to an empty deployment. */
export async function isEmpty(platform: Platform): Promise<boolean> {
  return (await platform.store.head()).position === 0;
}

export async function seedDemoCommunity(platform: Platform, now = new Date()): Promise<void> {
  const meta = { actorId: null, via: 'demo-community' };
  const ids = new Map<string, string>();
  for (const p of PEOPLE) {
    const member = await signUp(
      platform.command,
      { email: `${p.key}@skillswap.demo`, password: DEMO_PASSWORD, displayName: p.name, timezone: p.tz },
      // An empty deployment (the demo is only added to one) has blocked no address.
      { emailBlocked: false },
      meta,
    );
    ids.set(p.key, member.id);
    const changes = { bio: p.bio, skillsToTeach: p.teach, skillsToLearn: p.learn };
    await updateProfile(platform.command, member.id, changes, await skillSpellings(platform.pool, changes), {
      ...meta,
      actorId: member.id,
    });
  }
  await changeRole(platform.command, 'morgan@skillswap.demo', 'moderator', true, meta);
  await changeRole(platform.command, 'morgan@skillswap.demo', 'admin', true, meta);

  for (const plan of SESSIONS) {
    const hostId = ids.get(plan.host)!;
    const startsAt = at(plan.inDays, plan.hour, now);
    // Past sessions are scheduled "back then": the same command, with the clock it would have had.
    const then = new Date(Math.min(now.getTime(), Date.parse(startsAt) - 14 * 86400_000));
    const { sessionIds } = await scheduleSession(
      platform.command,
      {
        hostId: hostId,
        details: await withHostingFacts(platform.pool, hostId, {
          title: plan.title,
          skill: plan.skill,
          description: plan.description,
          difficulty: plan.difficulty,
          prerequisites: plan.prerequisites ?? [],
          startsAt,
          durationMinutes: plan.minutes,
          capacity: plan.capacity,
          meetingUrl: `https://meet.skillswap.demo/${plan.host}-${plan.skill.toLowerCase().replace(/\W+/g, '-')}`,
        }),
        now: then,
      },
      { ...meta, actorId: hostId },
    );
    const sessionId = sessionIds[0]!;
    for (const student of plan.students) {
      const memberId = ids.get(student)!;
      await runSessionCommand(
        platform.command,
        sessionId,
        { type: 'Register', data: { memberId }, now: then },
        { ...meta, actorId: memberId },
      );
    }
    if (plan.inDays < 0) {
      const after = new Date(Date.parse(startsAt) + plan.minutes * 60_000);
      await runSessionCommand(
        platform.command,
        sessionId,
        { type: 'Complete', data: { actor: { memberId: hostId, isModerator: false } }, now: after },
        { ...meta, actorId: hostId },
      );
      for (const [student, [rating, comment]] of Object.entries(plan.reviews ?? {})) {
        const authorId = ids.get(student)!;
        await submitReview(
          platform.command,
          authorId,
          sessionId,
          { rating, comment },
          { ...meta, actorId: authorId },
        );
      }
    }
  }
}
