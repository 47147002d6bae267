// Options for interactive transactions. Counters and column locks serialize concurrent writers, so
// waiting for a connection or a lock may take longer than Prisma's 2 s / 5 s defaults under load.
export const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;
