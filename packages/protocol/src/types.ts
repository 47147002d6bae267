// Response shapes of the public API (the OpenAPI document at /api/docs-json).
import type { Role } from './roles.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  emailVerified?: boolean;
}
export interface AuthResult {
  user: UserView;
  accessToken: string;
  refreshToken: string;
}
export interface WorkspaceView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}
export interface MemberView {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  joinedAt: string;
}
