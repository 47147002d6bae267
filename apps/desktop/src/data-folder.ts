// Where the desktop app keeps everything (settings, window state, the host-mode server's database
// and files). Portable mode: a folder named `data` beside the executable holds all of it, so the
// whole workspace moves on a USB stick; otherwise the usual per-user folder.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface DataFolder {
  dir: string;
  portable: boolean;
}

export interface DataFolderInput {
  /** process.execPath of the packaged app. */
  execPath: string;
  /** The per-user folder (Electron's app.getPath('userData')). */
  userData: string;
  /** electron-builder's portable target unpacks to a temp folder and names the real one here. */
  env?: Record<string, string | undefined>;
}

export function resolveDataFolder(input: DataFolderInput): DataFolder {
  const exeDirs = [input.env?.PORTABLE_EXECUTABLE_DIR, dirname(input.execPath)].filter((d): d is string => !!d);
  for (const base of exeDirs) {
    const candidate = join(base, 'data');
    if (isDir(candidate)) return { dir: candidate, portable: true };
  }
  return { dir: input.userData, portable: false };
}

function isDir(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
