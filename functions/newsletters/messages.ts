import type Mail from 'nodemailer/lib/mailer';
import { settings } from './config';
import { EmailTemplate } from './database';
import { renderHtml, renderText, textFromHtml, type Variables } from './render';

/** The links a mail carries; every one of them works from a mail client (GET), the unsubscribe one also as an RFC 8058 POST. */
export const links = {
  confirm: (token: string) => `${settings.publicUrl()}/newsletters/confirm/${token}`,
  unsubscribe: (token: string, campaignId?: number) =>
    `${settings.publicUrl()}/newsletters/unsubscribe/${token}${campaignId ? `?campaign=${campaignId}` : ''}`,
};

/** RFC 2369 + RFC 8058 headers: mail clients show an unsubscribe button that POSTs without opening a page. */
export function unsubscribeHeaders(token: string, campaignId?: number): Record<string, string> {
  const mailto = `mailto:${settings.unsubscribeMailbox()}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
  return {
    'List-Unsubscribe': `<${links.unsubscribe(token, campaignId)}>, <${mailto}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The domain of the From address: Message-IDs are made under it. */
function senderDomain(): string {
  const match = /@([^>\s]+)>?\s*$/.exec(settings.mailFrom());
  return match ? match[1] : 'localhost';
}

/** The same campaign and recipient always give the same Message-ID: a provider, and the webhooks, can tell a copy. */
export const campaignMessageId = (campaignId: number, subscriberId: number) => `<campaign-${campaignId}.subscriber-${subscriberId}@${senderDomain()}>`;

export interface Content {
  subject: string;
  html_content: string;
  plain_text: string | null;
}

/** Renders a content for one recipient; the unsubscribe link is added when the content does not place it. */
export function renderContent(content: Content, variables: Variables & { unsubscribe_url?: string }): Pick<Mail.Options, 'subject' | 'html' | 'text'> {
  let html = renderHtml(content.html_content, variables);
  let text = content.plain_text ? renderText(content.plain_text, variables) : textFromHtml(html);
  const url = variables.unsubscribe_url;
  if (url && !content.html_content.includes('unsubscribe_url')) {
    html += `\n<p style="font-size:12px;color:#666"><a href="${renderHtml('{{u}}', { u: url })}">Unsubscribe</a></p>`;
  }
  if (url && !text.includes(url)) text += `\n\nUnsubscribe: ${url}`;
  return { subject: renderText(content.subject, variables), html, text };
}

export interface Recipient {
  subscriber_id: number;
  email: string;
  name: string | null;
  unsubscribe_token: string;
}

export function campaignMail(campaign: Content & { id: number; name: string }, recipient: Recipient, subjectPrefix = ''): Mail.Options {
  const unsubscribeUrl = links.unsubscribe(recipient.unsubscribe_token, campaign.id);
  const rendered = renderContent(campaign, {
    name: recipient.name ?? '', email: recipient.email, unsubscribe_url: unsubscribeUrl, campaign_name: campaign.name,
  });
  return {
    ...rendered,
    subject: `${subjectPrefix}${rendered.subject}`,
    to: recipient.name ? { name: recipient.name, address: recipient.email } : recipient.email,
    messageId: campaignMessageId(campaign.id, recipient.subscriber_id),
    headers: { ...unsubscribeHeaders(recipient.unsubscribe_token, campaign.id), Precedence: 'bulk', 'X-Campaign-ID': String(campaign.id) },
  };
}

export const CONFIRMATION_TEMPLATE = 'subscription-confirmation';

/** Used when the `subscription-confirmation` template was deleted or deactivated. */
const DEFAULT_CONFIRMATION: Content = {
  subject: 'Please confirm your subscription',
  html_content: '<p>Hello {{name}},</p><p>Please confirm your subscription to our newsletter:</p><p><a href="{{confirm_url}}">Confirm my subscription</a></p><p>If you did not ask for it, ignore this mail.</p>',
  plain_text: 'Hello {{name}},\n\nPlease confirm your subscription to our newsletter:\n{{confirm_url}}\n\nIf you did not ask for it, ignore this mail.',
};

export async function confirmationMail(subscriber: { email: string; name: string | null; confirm_token: string; unsubscribe_token: string }): Promise<Mail.Options> {
  const template = await EmailTemplate.findOne({ where: { slug: CONFIRMATION_TEMPLATE, is_active: true } });
  const content = template ?? DEFAULT_CONFIRMATION;
  const rendered = renderContent(
    { subject: content.subject, html_content: content.html_content, plain_text: content.plain_text },
    { name: subscriber.name ?? '', email: subscriber.email, confirm_url: links.confirm(subscriber.confirm_token) },
  );
  return { ...rendered, to: subscriber.email };
}

export const defaultTemplates = [{ name: 'Subscription confirmation', slug: CONFIRMATION_TEMPLATE, category: 'transactional', ...DEFAULT_CONFIRMATION, variables: ['name', 'email', 'confirm_url'] }];
