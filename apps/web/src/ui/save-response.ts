// Saves a fetched file (an export, a CSV) the way the browser saves a download: under the name the
// server gave it in Content-Disposition (`filename*` first, it carries non-ASCII names), else `fallback`.
export async function saveResponseAs(res: Response, fallback: string): Promise<void> {
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = downloadName(res.headers.get('content-disposition'), fallback);
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadName(disposition: string | null, fallback: string): string {
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded.trim());
    } catch {
      /* a malformed name: the plain one, or the fallback */
    }
  }
  return /filename\s*=\s*"([^"]+)"/i.exec(disposition ?? '')?.[1] ?? fallback;
}
