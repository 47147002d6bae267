// Typed tokens (HS256, pinned issuer/audience/type): an access token is never accepted where a
// refresh token or socket ticket is expected, and vice versa.
import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../../base/errors/app-error.js';

export type TokenType = 'access' | 'refresh' | 'socket';

const ISSUER = 'tandem';
const AUDIENCE: Record<TokenType, string> = { access: 'tandem:api', refresh: 'tandem:refresh', socket: 'tandem:socket' };

export interface TokenClaims {
  typ: TokenType;
  /** user id */
  sub: string;
  /** session (refresh-token family) id */
  sid: string;
  jti: string;
  exp: number;
  iat: number;
}

export class TokenSigner {
  /**
   * A key object, not the raw string: given a string, jsonwebtoken first tries (and fails) to parse
   * it as a public key on every verify, which cost more CPU than the rest of a small request.
   */
  private readonly secret: KeyObject;

  constructor(secret: string) {
    this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(typ: TokenType, userId: string, sessionId: string, ttlSeconds: number, jti: string = randomUUID()): string {
    return jwt.sign({ typ, sid: sessionId }, this.secret, {
      algorithm: 'HS256',
      issuer: ISSUER,
      audience: AUDIENCE[typ],
      subject: userId,
      jwtid: jti,
      expiresIn: ttlSeconds,
    });
  }

  /** Verifies signature, algorithm, issuer, audience, expiry and type; any failure is 401. */
  verify(typ: TokenType, token: string): TokenClaims {
    if (typeof token !== 'string' || token.length > 4096) throw AppError.unauthenticated('Invalid token');
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE[typ],
      }) as jwt.JwtPayload;
    } catch (err) {
      throw AppError.unauthenticated(err instanceof jwt.TokenExpiredError ? 'Token expired' : 'Invalid token');
    }
    // Every token this server signs expires: one without `exp` (signed with a leaked key, or by an
    // older build) is never accepted, however valid its signature.
    if (
      claims.typ !== typ ||
      typeof claims.sub !== 'string' ||
      typeof claims.sid !== 'string' ||
      typeof claims.jti !== 'string' ||
      typeof claims.exp !== 'number'
    ) {
      throw AppError.unauthenticated('Invalid token');
    }
    return claims as TokenClaims;
  }
}

export const TOKEN_SIGNER = Symbol('TOKEN_SIGNER');
