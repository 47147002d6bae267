// Mentions are parsed by the one shared parser (clients write and show them with the same rules).
export { findMentions, type Mentionable } from '@tandem/protocol';
