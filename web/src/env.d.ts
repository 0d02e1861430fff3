/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** Calls the JSON API in-process as the page's visitor (infra/http/in-process.ts). */
    api?: (
      path: string,
      init?: { method?: string; body?: unknown },
    ) => Promise<{ status: number; body: unknown }>;
    /** The signed-in member, or null for visitors. */
    user?: import('./lib/api.ts').SessionUser | null;
    requestId?: string;
    /** The server could not even resolve the visitor's session: every page is the 503 page (middleware.ts). */
    databaseUnavailable?: boolean;
  }
}
