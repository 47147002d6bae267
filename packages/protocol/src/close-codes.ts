// Close codes of the collaborative-document socket (/collab/:documentId), shared by the server that
// sends them and the clients that explain them. (The realtime socket's are `CloseCodes` in frames.)
// Free of runtime dependencies: clients import it as `@tandem/protocol/close-codes`.
export const CollabCloseCodes = {
  /** Protocol violation: a malformed message or update. */
  invalid: 4400,
  unauthenticated: 4401,
  /** The user lost access to the document. */
  notFound: 4404,
  /** The document reached its size limit. */
  documentTooLarge: 4413,
  /** The server could not store or load the document. */
  unavailable: 4503,
  /** More update messages per second than WS_MAX_FRAMES_PER_SECOND (the client resends on reconnect). */
  policy: 1008,
  /** The user already holds WS_MAX_SOCKETS_PER_USER /collab sockets on this node. */
  tooManySockets: 4029,
} as const;
