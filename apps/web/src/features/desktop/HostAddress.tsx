// Where colleagues join a host-mode server: its LAN address and a QR code of it.
import type { HostInfo } from '../../app/desktop-bridge.js';

export function HostAddress({ info }: { info: HostInfo }) {
  if (!info.lanUrl) {
    return (
      <p className="muted">
        This computer has no network address colleagues can reach. Connect it to your office network (Wi-Fi or cable) and reopen this panel.
      </p>
    );
  }
  const qr = info.qrSvg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(info.qrSvg)}` : null;
  return (
    <div className="host-address">
      {qr && <img src={qr} alt={`QR code of ${info.lanUrl}`} width={148} height={148} />}
      <div>
        <p>Colleagues on the same network open Tandem at</p>
        <p>
          <output className="lan-url" data-testid="lan-url">
            {info.lanUrl}
          </output>{' '}
          <button type="button" className="link" onClick={() => void navigator.clipboard?.writeText(info.lanUrl!)}>
            Copy
          </button>
        </p>
        <p className="muted">in the desktop app ("Connect to a server") or a browser, or scan the code with a phone.</p>
        {info.portable && <p className="muted">Portable mode: everything is kept in the data folder beside Tandem.</p>}
      </div>
    </div>
  );
}
