// When running inside the desktop app, its preload exposes a small bridge: deep links
// (tandem://…) arrive here as in-app paths.
import { navigate } from './router.js';

interface DesktopBridge {
  platform: string;
  onDeepLink(listener: (path: string) => void): () => void;
}

declare global {
  interface Window {
    tandemDesktop?: DesktopBridge;
  }
}

window.tandemDesktop?.onDeepLink((path) => navigate(path));
