// Always visible: whether what the user sees and writes is live (connected), on its way
// (syncing: reconnecting or writes queued) or local only (offline).
import { onlineManager, useIsMutating, useMutationState } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { useDocumentsSyncing } from '../realtime/collab-status.js';
import { useSocketState } from '../realtime/live.js';

export type Connection = 'connected' | 'syncing' | 'offline';

export function useConnection(): { state: Connection; queued: number } {
  const online = useSyncExternalStore(
    (l) => onlineManager.subscribe(l),
    () => onlineManager.isOnline(),
  );
  const socket = useSocketState();
  const pending = useIsMutating();
  const queued = useMutationState({ filters: { status: 'pending' }, select: (m) => m.state.isPaused }).filter(Boolean).length;
  const docs = useDocumentsSyncing();
  if (!online) return { state: 'offline', queued };
  if (socket !== 'open' || pending > 0 || docs) return { state: 'syncing', queued };
  return { state: 'connected', queued };
}

const LABEL: Record<Connection, string> = { connected: 'Connected', syncing: 'Syncing…', offline: 'Offline' };

export function ConnectionIndicator() {
  const { state, queued } = useConnection();
  const title =
    state === 'offline'
      ? `Offline${queued ? `: ${queued} change${queued === 1 ? '' : 's'} will be sent when you reconnect` : ': changes are kept on this device'}`
      : state === 'syncing'
        ? 'Sending your changes and catching up'
        : 'Live: changes are saved and shared as you make them';
  return (
    <output className={`connection connection-${state}`} title={title} data-state={state} aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {LABEL[state]}
      {state === 'offline' && queued > 0 && <span className="queued">{queued} queued</span>}
    </output>
  );
}
