import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { serviceWorker } from './pwa/vite-plugin.js';

// In development the API runs separately (npm start); the dev server forwards it so the client
// always talks to its own origin, exactly as when the server serves the built files.
const api = process.env.TANDEM_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), serviceWorker()],
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 900 },
  server: {
    proxy: {
      '/api': api,
      '/health': api,
      '/ws': { target: api, ws: true },
      '/collab': { target: api, ws: true },
    },
  },
});
