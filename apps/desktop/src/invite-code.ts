// The QR code a host shows so colleagues join from a phone or another computer: it holds exactly
// the LAN URL of the host-mode server.
import QRCode from 'qrcode';

/** What the QR code encodes: the server's LAN address, nothing else (no tokens, no secrets). */
export function qrPayload(lanUrl: string): string {
  const url = new URL(lanUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('Only http(s) addresses go into the QR code');
  return url.origin;
}

/** An SVG image of the QR code, for the host panel (inline data: URL, no network). */
export async function qrSvg(lanUrl: string): Promise<string> {
  return QRCode.toString(qrPayload(lanUrl), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The QR code's modules as a matrix of booleans (for tests and for drawing without SVG). */
export function qrMatrix(lanUrl: string): boolean[][] {
  const code = QRCode.create(qrPayload(lanUrl), { errorCorrectionLevel: 'M' });
  const size = code.modules.size;
  const rows: boolean[][] = [];
  for (let y = 0; y < size; y++) {
    const row: boolean[] = [];
    for (let x = 0; x < size; x++) row.push(Boolean(code.modules.get(y, x)));
    rows.push(row);
  }
  return rows;
}
