import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/current-user.js';
import { CONFIG, type Config } from '../config/config.js';

/** src/base/health and dist/base/health both sit three folders below the server's package.json. */
function serverVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const VERSION = serverVersion();

/**
 * What a client needs to know before it signs in: that this address is a Tandem server, which
 * version, and whether the desktop app may use it. The desktop app's "Connect to a server" screen
 * checks it live.
 */
@ApiTags('server')
@Public()
@Controller('api/v1/server-info')
export class ServerInfoController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Get()
  @ApiOkResponse({ description: '{ product: "tandem", version, desktopApp, updateFeed }' })
  info() {
    return {
      product: 'tandem' as const,
      version: VERSION,
      /** Whether the desktop app's origin is allowed (TANDEM_DESKTOP_APP). */
      desktopApp: this.config.TANDEM_DESKTOP_APP,
      /** Whether this server serves desktop updates at /updates/ (TANDEM_UPDATES_DIR). */
      updateFeed: Boolean(this.config.TANDEM_UPDATES_DIR),
    };
  }
}
