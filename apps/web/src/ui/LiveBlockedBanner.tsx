// Shown when HTTP works but live connections never open: the usual cause is a reverse proxy that
// does not pass WebSocket upgrades. Without it people see an editor that never fills and a board
// that never updates, and think their data is gone.
import { useLiveBlocked } from '../realtime/live.js';

export function LiveBlockedBanner() {
  const blocked = useLiveBlocked();
  if (!blocked) return null;
  return (
    <div className="live-blocked-banner" role="alert">
      <strong>Live updates cannot connect.</strong>
      <span>
        The server answers, but its live connections do not: the server's proxy probably blocks WebSocket connections. Your changes are
        still saved; documents cannot be edited and boards do not update until this is fixed. Ask whoever runs the server to allow WebSocket
        upgrades on <code>/ws</code> and <code>/collab</code> (<code>tandem doctor</code> names the exact lines).
      </span>
    </div>
  );
}
