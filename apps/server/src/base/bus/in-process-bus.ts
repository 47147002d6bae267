import type { Bus, BusHandler } from './bus.js';

/** Single-node bus: delivers on the next microtask, like a network bus would (never synchronously). */
export class InProcessBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  async publish(channel: string, message: unknown): Promise<void> {
    const set = this.handlers.get(channel);
    if (!set) return;
    for (const h of [...set]) queueMicrotask(() => h(message, channel));
  }

  async subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(channel);
    };
  }

  healthy() {
    return true;
  }

  onResync(): void {}

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
