// The whole surface the page gets from the desktop app (contextIsolation on, sandboxed): deep
// links, and reading/changing the server address. Sandboxed preloads can only load 'electron',
// so this file stands alone.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('tandemDesktop', {
  platform: process.platform,
  onDeepLink(listener: (path: string) => void): () => void {
    const handler = (_e: IpcRendererEvent, path: unknown) => {
      if (typeof path === 'string') listener(path);
    };
    ipcRenderer.on('tandem:deep-link', handler);
    return () => ipcRenderer.off('tandem:deep-link', handler);
  },
  getServerUrl: (): Promise<string | null> => ipcRenderer.invoke('tandem:get-server-url'),
  setServerUrl: (url: string): Promise<{ ok: boolean; error?: string }> => ipcRenderer.invoke('tandem:set-server-url', String(url)),
});
