import { hasRole, type SessionUser } from './api.ts';

export type NavLink = { href: string; label: string };

export function primaryLinks(user: SessionUser | null): NavLink[] {
  const links: NavLink[] = [
    { href: '/sessions', label: 'Sessions' },
    { href: '/mentors', label: 'Mentors' },
    { href: '/leaderboard', label: 'Leaderboard' },
    { href: '/badges', label: 'Badges' },
  ];
  if (!user) return links;
  links.push({ href: '/me/learning', label: 'My learning' });
  links.push({ href: '/swaps', label: 'Swaps' });
  // Admins moderate too, so they see both entries.
  if (hasRole(user, 'moderator') || hasRole(user, 'admin'))
    links.push({ href: '/moderation', label: 'Moderation' });
  if (hasRole(user, 'admin')) links.push({ href: '/admin', label: 'Admin' });
  return links;
}

/** A section link stays highlighted on its sub-pages (/sessions/123 highlights Sessions). */
export function isCurrent(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}
