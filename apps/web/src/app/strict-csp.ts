// The server's Content-Security-Policy allows no eval. zod would probe for it (a blocked
// `Function('')`, reported as a CSP violation) before falling back to plain parsing: tell it
// up front. Imported first by main.tsx, before any schema parses.
import { config } from 'zod';

config({ jitless: true });
