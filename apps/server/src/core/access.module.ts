// Identity and authorization shared by every feature (global): tokens, sessions, the permission
// policy, the auth service (also used by the socket gateways), notifications and invitations (sign-up
// may need one), and single sign-on.
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiTokensController, AuthProvidersController, SessionsController, SignInsController } from './auth/account.controller.js';
import { ApiTokens } from './auth/api-tokens.js';
import { AuthController, MeController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { OidcController } from './auth/oidc/oidc.controller.js';
import { OidcIssuer } from './auth/oidc/oidc-issuer.js';
import { OidcSignIn } from './auth/oidc/oidc-sign-in.js';
import { SessionRegistry } from './auth/sessions.js';
import { SignInHistory } from './auth/sign-ins.js';
import { TOKEN_SIGNER, TokenSigner } from './auth/tokens.js';
import { InvitationsController } from './invitations/invitations.controller.js';
import { InvitationsService } from './invitations/invitations.service.js';
import { Notifier } from './notifications/notifier.js';
import { PermissionPolicy } from './permission/policy.js';

@Global()
@Module({})
export class AccessModule {
  static forRoot(secret: string): DynamicModule {
    return {
      module: AccessModule,
      controllers: [
        AuthController,
        MeController,
        InvitationsController,
        AuthProvidersController,
        SessionsController,
        SignInsController,
        ApiTokensController,
        OidcController,
      ],
      providers: [
        { provide: TOKEN_SIGNER, useValue: new TokenSigner(secret) },
        { provide: APP_GUARD, useClass: AuthGuard },
        AuthService,
        ApiTokens,
        LoginThrottle,
        SessionRegistry,
        SignInHistory,
        PermissionPolicy,
        Notifier,
        InvitationsService,
        OidcIssuer,
        OidcSignIn,
      ],
      exports: [TOKEN_SIGNER, AuthService, SessionRegistry, PermissionPolicy, Notifier, InvitationsService],
    };
  }
}
