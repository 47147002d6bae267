// Options for interactive transactions. Counters and column locks serialize concurrent writers, so
// waiting for a connection or a lock may take longer than Prisma's 2 s / 5 s defaults under load.
export const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

/**
 * Runs `write`, and again (up to 8 times in all, after a short random pause growing with each try)
 * while what it threw says another writer got there first (`clashed`). Past that, the last error.
 */
export async function retriedWhile<T>(clashed: (err: unknown) => boolean, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= 8 || !clashed(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
