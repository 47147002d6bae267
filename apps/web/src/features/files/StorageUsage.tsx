// The workspace's storage figure: bytes its files use, against the quota when there is one.
import { errorMessage } from '../../api/errors.js';
import { formatBytes, useLiveFiles, useStorageUsage } from './files-data.js';
import './files.css';

export function StorageUsage({ wid }: { wid: string }) {
  useLiveFiles();
  const { data, error } = useStorageUsage(wid);
  return (
    <section className="storage-usage" aria-label="Storage">
      <h2>Storage</h2>
      {error && <p className="form-error">{errorMessage(error)}</p>}
      {data && (
        <>
          <p>
            <strong>{formatBytes(data.bytesUsed)}</strong>
            {data.quotaBytes ? ` of ${formatBytes(data.quotaBytes)}` : ''} used by {data.files} {data.files === 1 ? 'file' : 'files'}
          </p>
          {data.quotaBytes && <progress className="storage-meter" max={data.quotaBytes} value={data.bytesUsed} aria-label="Storage used" />}
        </>
      )}
    </section>
  );
}
