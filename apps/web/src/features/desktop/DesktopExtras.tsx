// What the desktop app adds around the signed-in app: OS notifications for mentions and
// assignments (a click opens the task), the unread count on the taskbar/tray icon, "Restart to
// update" once a release has downloaded, and — in host mode — where colleagues join. Inert in a
// browser (no bridge).
import { useEffect, useState } from 'react';
import { useNotifications } from '../../api/queries.js';
import type { NotificationView } from '../../api/types.js';
import { desktop, type HostInfo, type UpdateState } from '../../app/desktop-bridge.js';
import { realtime } from '../../realtime/socket.js';
import { HostAddress } from './HostAddress.js';
import { osNotification } from './os-notification.js';
import './desktop.css';

export function DesktopExtras() {
  const { data: notifications } = useNotifications();
  const unread = notifications?.filter((n) => !n.readAt).length ?? 0;
  useEffect(() => {
    desktop?.setBadge(unread);
  }, [unread]);
  useEffect(() => {
    if (!desktop) return;
    return realtime.onFrame((frame) => {
      if (frame.t !== 'notification') return;
      const n = osNotification(frame.data as Partial<NotificationView>);
      if (n) desktop?.notify(n);
    });
  }, []);
  if (!desktop) return null;
  return <UpdateBanner />;
}

function UpdateBanner() {
  const [state, setState] = useState<UpdateState>({ state: 'idle' });
  useEffect(() => desktop?.onUpdate(setState), []);
  if (state.state !== 'ready') return null;
  return (
    <div className="update-banner" role="status">
      <span>Tandem {state.version} is ready.</span>
      <button type="button" className="primary" onClick={() => void desktop?.restartToUpdate()}>
        Restart to update
      </button>
    </div>
  );
}

/** Top-bar button in host mode: the LAN address and QR code, and whether Tandem stays in the tray. */
export function HostButton() {
  const [info, setInfo] = useState<HostInfo | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (desktop?.mode === 'host') void desktop.hostInfo().then(setInfo);
  }, []);
  if (desktop?.mode !== 'host' || !info) return null;
  return (
    <>
      <button type="button" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        Invite from this computer
      </button>
      {open && (
        <dialog open className="host-dialog" aria-label="Hosting on this computer" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <h2>Hosting on this computer</h2>
          <HostAddress info={info} />
          <label>
            <input
              type="checkbox"
              checked={info.keepRunningInTray}
              onChange={(e) => {
                const keep = e.target.checked;
                void desktop?.setKeepRunningInTray(keep).then(() => setInfo({ ...info, keepRunningInTray: keep }));
              }}
            />
            Keep Tandem running in the tray when the window is closed, so colleagues can keep working
          </label>
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        </dialog>
      )}
    </>
  );
}
