import nodemailer from 'nodemailer';
import type { Logger } from './logger.ts';

export type Attachment = { filename: string; content: string; contentType: string };
export type Email = { to: string; subject: string; text: string; attachments?: Attachment[] };

/** Email delivery: SMTP when SMTP_URL is set, otherwise each message is written to the log (development). */
export type Mailer = { send: (email: Email) => Promise<void>; kind: 'smtp' | 'log' };

export function createMailer(smtpUrl: string | undefined, from: string, log: Logger): Mailer {
  if (!smtpUrl) {
    return {
      kind: 'log',
      send: async (email) => {
        log.info(
          {
            mail: {
              to: email.to,
              subject: email.subject,
              ...(email.attachments ? { attachments: email.attachments.map((a) => a.filename) } : {}),
            },
          },
          `email (not sent, no SMTP_URL):\n${email.text}`,
        );
      },
    };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    send: async (email) => {
      await transport.sendMail({ from, ...email });
    },
  };
}
