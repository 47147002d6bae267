import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Metrics } from '../../base/metrics/metrics.js';

@Injectable()
export class CollabMetrics {
  readonly documentsOpen: Gauge;
  readonly connections: Gauge;
  /** Update and sync-step-2 messages from read-only connections, dropped unapplied. */
  readonly viewerDropped: Counter;
  readonly rejected: Counter<'reason'>;
  readonly awarenessDropped: Counter;
  readonly compactions: Counter;

  constructor(metrics: Metrics) {
    const registers = [metrics.registry];
    this.documentsOpen = new Gauge({ name: 'tandem_collab_documents_open', help: 'Documents held in memory', registers });
    this.connections = new Gauge({ name: 'tandem_collab_connections', help: 'Open /collab sockets', registers });
    this.viewerDropped = new Counter({
      name: 'tandem_collab_viewer_updates_dropped_total',
      help: 'Document updates from read-only connections, dropped without applying',
      registers,
    });
    this.rejected = new Counter({
      name: 'tandem_collab_rejected_messages_total',
      help: 'Collab messages refused (malformed, too large, document full)',
      labelNames: ['reason'] as const,
      registers,
    });
    this.awarenessDropped = new Counter({
      name: 'tandem_collab_awareness_dropped_total',
      help: 'Awareness messages over the per-connection rate, dropped',
      registers,
    });
    this.compactions = new Counter({ name: 'tandem_collab_compactions_total', help: 'Update log compactions', registers });
  }
}
