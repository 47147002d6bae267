// The whole surface the page gets from the desktop app (contextIsolation on, sandboxed): which
// server to talk to, the first-run choices, host mode, updates, notifications and the badge, and
// deep links. Sandboxed preloads can only load 'electron', so this file stands alone (bundled to
// dist/preload.cjs). The web client's view of it: apps/web/src/app/desktop-bridge.ts.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';

const config = (ipcRenderer.sendSync('tandem:config') ?? {}) as { serverUrl?: string | null; mode?: string; platform?: string };

function listen<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_e: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, handler);
  return () => ipcRenderer.off(channel, handler);
}

contextBridge.exposeInMainWorld('tandemDesktop', {
  platform: config.platform ?? process.platform,
  serverUrl: config.serverUrl ?? null,
  mode: config.mode ?? 'unset',
  onDeepLink: (listener: (path: string) => void) => listen<unknown>('tandem:deep-link', (p) => typeof p === 'string' && listener(p)),
  checkServer: (url: string) => ipcRenderer.invoke('tandem:check-server', String(url)),
  chooseServer: (url: string) => ipcRenderer.invoke('tandem:choose-server', String(url)),
  startHosting: () => ipcRenderer.invoke('tandem:start-hosting'),
  hostInfo: () => ipcRenderer.invoke('tandem:host-info'),
  setKeepRunningInTray: (on: boolean) => ipcRenderer.invoke('tandem:keep-running', on === true),
  forgetServer: () => ipcRenderer.invoke('tandem:forget-server'),
  onUpdate: (listener: (state: unknown) => void) => listen('tandem:update', listener),
  restartToUpdate: () => ipcRenderer.invoke('tandem:restart-to-update'),
  notify: (n: { title: string; body: string; path: string }) =>
    ipcRenderer.send('tandem:notify', { title: String(n?.title ?? ''), body: String(n?.body ?? ''), path: String(n?.path ?? '') }),
  setBadge: (count: number) => ipcRenderer.send('tandem:badge', Number(count) || 0),
});
