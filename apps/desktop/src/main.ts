// Tandem for Windows: one window showing the Tandem server's web client. Everything that can be
// decided without Electron lives in the small modules beside this one (and is unit-tested); this
// file wires them to Electron.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, type IpcMainInvokeEvent, ipcMain, screen, session, shell } from 'electron';
import { autoUpdater } from 'electron-updater';
import { deepLinkToPath, findDeepLink, PROTOCOL } from './deep-link.js';
import { decideNavigation } from './navigation.js';
import { isServerPage, normalizeServerUrl } from './server-url.js';
import { type DesktopSettings, parseSettings, updateFeed } from './settings.js';
import { MIN_SIZE, parseWindowState, restoreWindowState, type WindowState } from './window-state.js';

const SETUP_PAGE = join(__dirname, '..', 'static', 'setup.html');
const SETUP_URL = pathToFileURL(SETUP_PAGE).href;
const settingsFile = () => join(app.getPath('userData'), 'settings.json');
const windowFile = () => join(app.getPath('userData'), 'window-state.json');

let settings: DesktopSettings;
let win: BrowserWindow | null = null;
let pendingPath: string | null = null;

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function saveSettings() {
  writeFileSync(settingsFile(), JSON.stringify(settings, null, 2));
}

function openPath(path: string) {
  if (!win || !settings.serverUrl) {
    pendingPath = path;
    return;
  }
  if (win.isMinimized()) win.restore();
  win.focus();
  if (isServerPage(settings.serverUrl, win.webContents.getURL())) win.webContents.send('tandem:deep-link', path);
  else void win.loadURL(new URL(path, settings.serverUrl).toString());
}

function handleDeepLink(link: string | null) {
  const path = link ? deepLinkToPath(link) : null;
  if (path) openPath(path);
}

function createWindow() {
  const saved = parseWindowState(safeJson(readText(windowFile())));
  const primary = screen.getPrimaryDisplay();
  const displays = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)];
  const state = restoreWindowState(
    saved,
    displays.map((d) => d.workArea),
  );
  win = new BrowserWindow({
    ...state,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Tandem',
    show: false,
    backgroundColor: '#f7f7f8',
    webPreferences: {
      preload: join(__dirname, 'preload.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: true,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win?.show());

  const saveState = () => {
    if (!win || win.isMinimized()) return;
    const bounds = win.getNormalBounds();
    const s: WindowState = { ...bounds, maximized: win.isMaximized() };
    writeFileSync(windowFile(), JSON.stringify(s));
  };
  win.on('close', saveState);

  const contents = win.webContents;
  contents.on('will-navigate', (event, url) => {
    const decision = decideNavigation(settings.serverUrl, url, [SETUP_URL]);
    if (decision === 'stay') return;
    event.preventDefault();
    if (decision === 'external') void shell.openExternal(url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideNavigation(settings.serverUrl, url);
    if (decision === 'stay') void win?.loadURL(url);
    else if (decision === 'external') void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
    // The server is unreachable at start: show the setup page with the reason, so the user can
    // retry or change the address instead of staring at a blank window.
    if (isMainFrame && code !== -3 && isServerPage(settings.serverUrl, url)) {
      void win?.loadFile(SETUP_PAGE, { query: { error: description, server: settings.serverUrl ?? '' } });
    }
  });
  win.on('closed', () => {
    win = null;
  });

  if (settings.serverUrl) void win.loadURL(new URL(pendingPath ?? '/', settings.serverUrl).toString());
  else void win.loadFile(SETUP_PAGE);
  pendingPath = null;
}

function safeJson(text: string | null): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** IPC is answered only for our own pages: the configured server and the bundled setup page. */
function trusted(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return isServerPage(settings.serverUrl, url) || url.split(/[?#]/)[0] === SETUP_URL;
}

function registerIpc() {
  ipcMain.handle('tandem:get-server-url', (event) => (trusted(event) ? settings.serverUrl : null));
  ipcMain.handle('tandem:set-server-url', async (event, input: unknown) => {
    if (!trusted(event)) return { ok: false, error: 'Not allowed' };
    const result = normalizeServerUrl(String(input ?? ''));
    if (!result.ok) return result;
    settings = { ...settings, serverUrl: result.url };
    saveSettings();
    void win?.loadURL(result.url);
    return { ok: true };
  });
}

function lockDownSessions() {
  // The page may show notifications and write to the clipboard; nothing else (camera, location…).
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(isServerPage(settings.serverUrl, contents.getURL()) && ['notifications', 'clipboard-sanitized-write'].includes(permission));
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function startAutoUpdate() {
  const feed = updateFeed(settings, process.env);
  // Inert unless a packaged build has a feed: development runs and feed-less installs never call out.
  if (!app.isPackaged || !feed) return;
  autoUpdater.setFeedURL({ provider: 'generic', url: feed });
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  void autoUpdater.checkForUpdatesAndNotify().catch(() => undefined);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId('com.tandem.desktop');
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [process.argv[1]]);
  else app.setAsDefaultProtocolClient(PROTOCOL);

  // A second launch (e.g. a tandem:// link clicked while running) focuses this window instead.
  app.on('second-instance', (_e, argv) => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
    handleDeepLink(findDeepLink(argv));
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleDeepLink(url);
  });

  void app.whenReady().then(() => {
    settings = parseSettings(readText(settingsFile()));
    pendingPath = deepLinkToPath(findDeepLink(process.argv) ?? '') ?? null;
    lockDownSessions();
    registerIpc();
    createWindow();
    startAutoUpdate();
    app.on('activate', () => {
      if (!win) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
