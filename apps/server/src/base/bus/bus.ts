// The pub/sub bus between nodes: one interface, two adapters (in-process default, Redis when
// REDIS_URL is set). Messages are msgpack-encodable values; channels are plain strings.

export type BusHandler = (message: unknown, channel: string) => void;

export interface Bus {
  /** Delivers `message` to every subscriber of `channel` on every node (this one included). */
  publish(channel: string, message: unknown): Promise<void>;
  /** Subscribes; returns the function that unsubscribes this handler. */
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Whether the bus can currently reach every node (false while Redis is down). */
  healthy(): boolean;
  /** Called after a reconnect during which messages may have been lost. */
  onResync(handler: () => void): void;
  close(): Promise<void>;
}

export const BUS = Symbol('BUS');

/** Channels used across the server, in one place. */
export const Channels = {
  /** Domain events after commit (realtime gateway turns them into room messages). */
  domain: 'tandem:domain',
  /** Session revocations and permission changes that must reach every node's sockets. */
  auth: 'tandem:auth',
  /** Per-document collaboration fan-out. */
  doc: (documentId: string) => `tandem:doc:${documentId}`,
  /** Presence replication for a room. */
  presence: 'tandem:presence',
} as const;
