// Outgoing mail through SMTP (nodemailer). Off unless SMTP_URL is set: then features that need mail
// (verification, password reset) answer as usual but send nothing, and say so in the log.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { CONFIG, type Config } from '../config/config.js';
import { logger } from '../logger/logger.js';

const log = logger('mail');

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly transport: Transporter | null;

  constructor(@Inject(CONFIG) private readonly config: Config) {
    this.transport = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;
  }

  get enabled() {
    return this.transport !== null;
  }

  /** Sends in the background; a failure is logged, never shown to the requester. */
  send(mail: Mail): Promise<void> {
    if (!this.transport) {
      log.info({ to: mail.to, subject: mail.subject }, 'SMTP not configured; mail not sent');
      return Promise.resolve();
    }
    return this.transport
      .sendMail({ from: this.config.SMTP_FROM, ...mail })
      .then(() => undefined)
      .catch((err: unknown) => log.error({ err, to: mail.to }, 'sending mail failed'));
  }

  onModuleDestroy() {
    this.transport?.close();
  }
}
