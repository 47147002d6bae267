// When an open document's history gets a version: at least every `intervalMs` of editing (the
// first stored edit after that long since the session's last version asks for one) and once an
// editing session goes quiet (`quietMs` without a stored edit). Each stored edit costs a clock
// read and a map lookup; the one timer per session re-arms itself only when it fires early.

export interface EditingSessionTimes {
  intervalMs: number;
  quietMs: number;
}

interface Session {
  /** When the first edit not yet in a version was stored. */
  since: number;
  lastEdit: number;
  quiet: NodeJS.Timeout;
}

export class EditingSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly times: EditingSessionTimes,
    /** Asks for a version of the document; `reason` says why (for logs and metrics). */
    private readonly cut: (documentId: string, reason: 'interval' | 'quiet') => void,
  ) {}

  /** One of the document's edits was stored. */
  edited(documentId: string) {
    const now = Date.now();
    const session = this.sessions.get(documentId);
    if (!session) {
      this.sessions.set(documentId, { since: now, lastEdit: now, quiet: this.armQuiet(documentId, this.times.quietMs) });
      return;
    }
    session.lastEdit = now;
    if (now - session.since >= this.times.intervalMs) {
      session.since = now;
      this.cut(documentId, 'interval');
    }
  }

  private armQuiet(documentId: string, delay: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const session = this.sessions.get(documentId);
      if (!session) return;
      const idle = Date.now() - session.lastEdit;
      if (idle < this.times.quietMs) {
        session.quiet = this.armQuiet(documentId, this.times.quietMs - idle);
        return;
      }
      this.sessions.delete(documentId);
      this.cut(documentId, 'quiet');
    }, delay);
    timer.unref();
    return timer;
  }

  /** The document is unloaded: a session still open ends as a quiet one. Returns whether one was open. */
  end(documentId: string): boolean {
    const session = this.sessions.get(documentId);
    if (!session) return false;
    clearTimeout(session.quiet);
    this.sessions.delete(documentId);
    return true;
  }

  stop() {
    for (const s of this.sessions.values()) clearTimeout(s.quiet);
    this.sessions.clear();
  }
}
