import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/auth/current-user.js';
import { CONFIG, type Config } from '../config/config.js';
import { SERVER_VERSION } from '../version.js';

const VERSION = SERVER_VERSION;

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
