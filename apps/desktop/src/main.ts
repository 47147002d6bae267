// Tandem for Windows. The web client ships inside the app (resources/web, served at app://tandem),
// so the app opens with no network; it talks to the team's server, or in host mode runs the
// bundled server itself. Everything decidable without Electron lives in the small modules beside
// this one (unit-tested in ../test); this file only wires them to Electron, which cannot run on
// our CI machines.
import { readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  ipcMain,
  Menu,
  Notification,
  net,
  protocol,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import { autoUpdater } from 'electron-updater';
import { APP_ORIGIN, APP_SCHEME, appUrl, resolveAppFile } from './app-protocol.js';
import { checkServer } from './connection-check.js';
import { resolveDataFolder } from './data-folder.js';
import { deepLinkToPath, findDeepLink, PROTOCOL } from './deep-link.js';
import { type HostServer, hostDataDir, startHostServer } from './host-server.js';
import { qrSvg } from './invite-code.js';
import { lanUrl } from './lan-address.js';
import { decideNavigation } from './navigation.js';
import { normalizeServerUrl } from './server-url.js';
import { closeAction, type DesktopSettings, parseSettings } from './settings.js';
import { UpdateFlow, updateFeedUrl } from './update-flow.js';
import { MIN_SIZE, parseWindowState, restoreWindowState, type WindowState } from './window-state.js';

// Packaged: resources/{web,server,migrations}; from a checkout: the sibling apps.
const resources = app.isPackaged ? process.resourcesPath : join(__dirname, '..', '..');
const WEB_DIR = app.isPackaged ? join(resources, 'web') : join(resources, 'web', 'dist');
const SERVER_ENTRY = join(resources, 'server', 'dist', 'main.js');
const MIGRATIONS_DIR = app.isPackaged ? join(resources, 'migrations') : undefined;
const ICON = join(__dirname, '..', 'build', 'icon.png');
/** The public release feed for host-mode apps, set at build time (package.json "tandem.releaseFeed"). */
const RELEASE_FEED: string | null = (() => {
  try {
    return JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).tandem?.releaseFeed || null;
  } catch {
    return null;
  }
})();

// Portable mode: a `data` folder beside Tandem.exe holds everything. Decided before anything
// touches the default user-data folder.
const dataFolder = resolveDataFolder({ execPath: process.execPath, userData: app.getPath('userData'), env: process.env });
if (dataFolder.portable) app.setPath('userData', dataFolder.dir);
const settingsFile = () => join(dataFolder.dir, 'settings.json');
const windowFile = () => join(dataFolder.dir, 'window-state.json');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
]);

let settings: DesktopSettings;
let win: BrowserWindow | null = null;
let tray: Tray | null = null;
let host: HostServer | null = null;
let hosting: Promise<HostServer> | null = null;
let quitting = false;
let pendingPath: string | null = null;
const updates = new UpdateFlow(autoUpdater, (state) => win?.webContents.send('tandem:update', state));

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function safeJson(text: string | null): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function saveSettings() {
  writeFileSync(settingsFile(), JSON.stringify(settings, null, 2));
}

/** The server the page talks to: the chosen one, or this computer's while hosting. */
function serverUrl(): string | null {
  if (settings.mode === 'host') return host?.localUrl ?? `http://127.0.0.1:${settings.hostPort}`;
  return settings.serverUrl;
}

function openPath(path: string) {
  if (!win) {
    pendingPath = path;
    createWindow();
    return;
  }
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  win.webContents.send('tandem:deep-link', path);
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
    icon: ICON,
    show: false,
    backgroundColor: '#f7f7f8',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
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
    const s: WindowState = { ...win.getNormalBounds(), maximized: win.isMaximized() };
    writeFileSync(windowFile(), JSON.stringify(s));
  };
  win.on('close', (event) => {
    saveState();
    if (closeAction(settings, quitting) === 'hide') {
      event.preventDefault();
      win?.hide();
    }
  });

  const contents = win.webContents;
  contents.on('will-navigate', (event, url) => {
    // The app's pages stay; web links open in the browser; anything else is refused.
    if (url.startsWith(`${APP_ORIGIN}/`)) return;
    event.preventDefault();
    if (decideNavigation(null, url) === 'external') void shell.openExternal(url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (decideNavigation(null, url) === 'external') void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.on('closed', () => {
    win = null;
  });
  void win.loadURL(appUrl(pendingPath ?? '/'));
  pendingPath = null;
}

/** IPC is answered only for the app's own pages. */
function trusted(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  return (event.senderFrame?.url ?? '').startsWith(`${APP_ORIGIN}/`);
}

async function startHosting(): Promise<HostServer> {
  if (host) return host;
  hosting ??= startHostServer({
    serverEntry: SERVER_ENTRY,
    dataDir: hostDataDir(dataFolder.dir),
    port: settings.hostPort,
    webDir: WEB_DIR,
    migrationsDir: MIGRATIONS_DIR,
    execPath: process.execPath,
  }).then(
    (started) => {
      host = started;
      started.onExit(() => {
        host = null;
        hosting = null;
      });
      updateTray();
      return started;
    },
    (err) => {
      hosting = null;
      throw err;
    },
  );
  return hosting;
}

async function hostInfo() {
  const running = await startHosting();
  const lan = lanUrl(networkInterfaces(), running.port, settings.lanAddress);
  return {
    localUrl: running.localUrl,
    lanUrl: lan,
    qrSvg: lan ? await qrSvg(lan) : null,
    portable: dataFolder.portable,
    keepRunningInTray: settings.keepRunningInTray,
  };
}

function updateTray() {
  if (settings.mode !== 'host') {
    tray?.destroy();
    tray = null;
    return;
  }
  tray ??= new Tray(ICON);
  const lan = host ? lanUrl(networkInterfaces(), host.port, settings.lanAddress) : null;
  tray.setToolTip(host ? `Tandem is hosting${lan ? ` at ${lan}` : ''}` : 'Tandem');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Tandem', click: () => (win ? win.show() : createWindow()) },
      { label: lan ? `Colleagues join at ${lan}` : 'Not on a network', enabled: false },
      { type: 'separator' },
      { label: 'Quit (stops hosting)', click: () => app.quit() },
    ]),
  );
  tray.on('click', () => (win ? win.show() : createWindow()));
}

function startUpdates() {
  // Development runs never check; packaged apps check the feed that matches how they are used.
  if (!app.isPackaged) return;
  updates.start(
    updateFeedUrl({
      mode: settings.mode,
      serverUrl: settings.serverUrl,
      releaseFeed: RELEASE_FEED,
      override: process.env.TANDEM_UPDATE_URL ?? settings.updateFeedUrl,
    }),
  );
}

function registerIpc() {
  // The preload reads this synchronously, so the page knows its server before any script runs.
  ipcMain.on('tandem:config', (event) => {
    event.returnValue = trusted(event) ? { serverUrl: serverUrl(), mode: settings.mode, platform: process.platform } : null;
  });
  ipcMain.handle('tandem:check-server', (event, url: unknown) => (trusted(event) ? checkServer(String(url ?? '')) : null));
  ipcMain.handle('tandem:choose-server', (event, input: unknown) => {
    if (!trusted(event)) return { ok: false, error: 'Not allowed' };
    const chosen = String(input ?? '');
    if (host && chosen === host.localUrl) {
      settings = { ...settings, mode: 'host', serverUrl: null };
    } else {
      const result = normalizeServerUrl(chosen);
      if (!result.ok) return result;
      settings = { ...settings, mode: 'connected', serverUrl: result.url };
    }
    saveSettings();
    updateTray();
    startUpdates();
    win?.webContents.reload();
    return { ok: true };
  });
  ipcMain.handle('tandem:start-hosting', async (event) => {
    if (!trusted(event)) throw new Error('Not allowed');
    settings = { ...settings, mode: 'host', serverUrl: null };
    saveSettings();
    return hostInfo();
  });
  ipcMain.handle('tandem:host-info', (event) => (trusted(event) && settings.mode === 'host' ? hostInfo() : null));
  ipcMain.handle('tandem:keep-running', (event, on: unknown) => {
    if (!trusted(event)) return;
    settings = { ...settings, keepRunningInTray: on === true };
    saveSettings();
  });
  ipcMain.handle('tandem:forget-server', async (event) => {
    if (!trusted(event)) return;
    settings = { ...settings, mode: 'unset', serverUrl: null };
    saveSettings();
    await host?.stop();
    updateTray();
    win?.webContents.reload();
  });
  ipcMain.handle('tandem:restart-to-update', (event) => trusted(event) && updates.restartToUpdate());
  ipcMain.on('tandem:notify', (event, n: { title?: unknown; body?: unknown; path?: unknown }) => {
    if (!trusted(event) || !Notification.isSupported()) return;
    const path = typeof n?.path === 'string' ? deepLinkToPath(`${PROTOCOL}://open${n.path}`) : null;
    const note = new Notification({
      title: String(n?.title ?? 'Tandem').slice(0, 200),
      body: String(n?.body ?? '').slice(0, 500),
      icon: ICON,
    });
    if (path) note.on('click', () => openPath(path));
    note.show();
  });
  ipcMain.on('tandem:badge', (event, count: unknown) => {
    if (!trusted(event)) return;
    const n = typeof count === 'number' && count > 0 ? Math.min(Math.floor(count), 999) : 0;
    app.setBadgeCount(n);
    // Windows has no badge count: the taskbar button flashes once for new unread items instead.
    if (process.platform === 'win32' && n > 0 && win && !win.isFocused()) win.flashFrame(true);
    tray?.setToolTip(n > 0 ? `Tandem: ${n} unread` : 'Tandem');
  });
}

function lockDownSessions() {
  // The page may show notifications and write to the clipboard; nothing else (camera, location…).
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(contents.getURL().startsWith(`${APP_ORIGIN}/`) && ['notifications', 'clipboard-sanitized-write'].includes(permission));
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  protocol.handle(APP_SCHEME, (request) => {
    const found = resolveAppFile(WEB_DIR, request.url);
    if (found.status !== 200) return new Response('Not found', { status: 404 });
    return net
      .fetch(pathToFileURL(found.file).href)
      .then(
        async (res) =>
          new Response(await res.arrayBuffer(), { headers: { 'content-type': found.type, 'x-content-type-options': 'nosniff' } }),
      );
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAppUserModelId('com.tandem.desktop');
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [process.argv[1]]);
  else app.setAsDefaultProtocolClient(PROTOCOL);

  // A second launch (e.g. a tandem:// link clicked while running) focuses this window instead.
  app.on('second-instance', (_e, argv) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    } else createWindow();
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
    // Host mode: the window opens at once from the bundled client (cached data, offline banner);
    // the server starts beside it and the page connects when it answers.
    if (settings.mode === 'host') void startHosting().catch((err) => console.error('host mode failed to start', err));
    updateTray();
    startUpdates();
    app.on('activate', () => {
      if (!win) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (closeAction(settings, quitting) === 'close' && process.platform !== 'darwin') app.quit();
  });
  // Quitting stops the hosted server cleanly (its PostgreSQL included) before the app exits.
  app.on('before-quit', (event) => {
    quitting = true;
    updates.stop();
    if (!host) return;
    event.preventDefault();
    const running = host;
    host = null;
    void running.stop().finally(() => app.quit());
  });
}
