import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Where uploaded files live. On disk under DATA_DIR now; an object store would implement the same three calls. */
export type FileStorage = {
  put: (key: string, data: Buffer) => Promise<void>;
  get: (key: string) => Promise<Readable | null>;
  remove: (key: string) => Promise<void>;
  /** Removes every file whose key starts with `prefix` (all of one member's uploads); how many there were. */
  removeAll: (prefix: string) => Promise<number>;
};

const SAFE_KEY = /^[a-z0-9][a-z0-9._-]{0,200}$/i;

export function diskStorage(root: string): FileStorage {
  const file = (key: string) => {
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe storage key ${key}`);
    return path.join(root, key);
  };
  return {
    put: async (key, data) => {
      await fs.mkdir(root, { recursive: true });
      const target = file(key);
      // Write then rename: a reader never sees half a file.
      await fs.writeFile(`${target}.tmp`, data);
      await fs.rename(`${target}.tmp`, target);
    },
    get: async (key) => {
      if (!SAFE_KEY.test(key)) return null;
      try {
        await fs.access(file(key));
        return createReadStream(file(key));
      } catch {
        return null;
      }
    },
    remove: async (key) => {
      await fs.rm(file(key), { force: true });
    },
    removeAll: async (prefix) => {
      if (!SAFE_KEY.test(prefix)) throw new Error(`unsafe storage prefix ${prefix}`);
      let names: string[];
      try {
        names = await fs.readdir(root);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      // A half-written upload (`<key>.tmp`) goes too.
      const doomed = names.filter((name) => name.startsWith(prefix));
      await Promise.all(doomed.map((name) => fs.rm(path.join(root, name), { force: true })));
      return doomed.length;
    },
  };
}
