import { createHash } from 'node:crypto';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** An address as a hash: streams and blocklists need to recognise it without storing it. */
export const emailHash = (email: string) => createHash('sha256').update(normalizeEmail(email)).digest('hex');
