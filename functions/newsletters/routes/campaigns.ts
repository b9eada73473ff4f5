import { Op, type WhereOptions } from 'sequelize';
import { escapeLike, fieldError, HttpError, idParams, invalid, listQuerySchema, pageOf, paginate, reply, route, type ListQuery, type Route } from '../../kit';
import { Campaign, CAMPAIGN_STATUSES, db, EmailTemplate, RECIPIENT_STATUSES, sql, type CampaignStatus, type Targeting } from '../database';
import { beginSending, campaignJson, campaignOr404, ensureStatus, rates } from '../campaigns';
import { resumeAbandonedSoon, startSending } from '../sender';
import { campaignMail } from '../messages';
import { failureKind, sendThrottled } from '../mailer';
import { READ, WRITE } from '../access';


const names = { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 50 } };
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
  subject: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
  html_content: { type: ['string', 'null'], maxLength: 500_000 },
  /** What older clients call the HTML content. */
  content: { type: ['string', 'null'], maxLength: 500_000 },
  plain_text: { type: ['string', 'null'], maxLength: 500_000 },
  template_id: { type: ['integer', 'null'], minimum: 1 },
  targeting: { type: 'object', properties: { preferences: names, sources: names } },
};

interface CampaignBody {
  name?: string;
  subject?: string;
  html_content?: string | null;
  content?: string | null;
  plain_text?: string | null;
  template_id?: number | null;
  targeting?: Targeting;
}

/** The values a body gives a campaign: `content` read as `html_content`; a template fills what the campaign does not say itself. */
async function withTemplate({ content, ...body }: CampaignBody): Promise<CampaignBody> {
  if (content !== undefined && body.html_content === undefined) body.html_content = content;
  if (!body.template_id) return body;
  const template = await EmailTemplate.findByPk(body.template_id);
  if (!template) throw fieldError('template_id', 'The selected template does not exist.');
  return { ...body, subject: body.subject ?? template.subject, html_content: body.html_content ?? template.html_content, plain_text: body.plain_text ?? template.plain_text };
}

/** ISO-8601, or Laravel's "2026-12-24 18:00:00" (UTC when no offset is given). */
function parseMoment(text: string): Date {
  const value = text.trim();
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const at = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? new Date(iso) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw invalid({ scheduled_at: ['The scheduled at must be a valid date (ISO-8601).'] });
  return at;
}

const SORTABLE = ['id', 'name', 'status', 'created_at', 'scheduled_at', 'sent_at'];
const RECIPIENT_SORTS = ['id', 'email', 'status', 'sent_at', 'opened_at', 'clicked_at'];
type ListFilters = ListQuery & { status?: CampaignStatus; search?: string };

const actionRoute = (path: string, summary: string, handler: (campaign: number) => Promise<unknown>, status = 200): Route =>
  route<{ id: number }>({ method: 'POST', path: `/campaigns/:id/${path}`, summary, access: WRITE, params: idParams, response: { status }, handler: ({ params }) => handler(params.id) });

async function transition(id: number, allowed: CampaignStatus[], action: string, values: Partial<Campaign>) {
  const campaign = await db.sequelize.transaction(async (transaction) => {
    const found = await campaignOr404(id, transaction, true);
    ensureStatus(found, allowed, action);
    return found.update(values, { transaction });
  });
  return campaignJson(campaign);
}

export const campaignRoutes: Route[] = [
  route<{}, ListFilters>({
    method: 'GET', path: '/campaigns', summary: 'Campaigns; filters status, search (name, subject)', access: READ,
    query: listQuerySchema(SORTABLE, { status: { type: 'string', enum: CAMPAIGN_STATUSES }, search: { type: 'string', maxLength: 100 } }),
    handler: async ({ query }) => {
      resumeAbandonedSoon();
      const where: Record<string | symbol, unknown> = {};
      if (query.status) where.status = query.status;
      const search = query.search?.trim();
      if (search) where[Op.or] = ['name', 'subject'].map((f) => ({ [f]: { [Op.like]: `%${escapeLike(search)}%` } }));
      const page = await paginate(Campaign, { ...query, sort: query.sort ?? '-id' }, { where: where as WhereOptions });
      return { ...page, data: page.data.map(campaignJson) };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/campaigns/:id', summary: 'One campaign with its counters', access: READ, params: idParams,
    handler: async ({ params }) => {
      resumeAbandonedSoon();
      return campaignJson(await campaignOr404(params.id));
    },
  }),
  route<{}, {}, CampaignBody>({
    method: 'POST', path: '/campaigns', summary: 'Create a draft campaign (content of its own, or from a template)', access: WRITE,
    body: { type: 'object', required: ['name'], properties: fields }, response: { status: 201 },
    handler: async ({ body, user }) => {
      const values = await withTemplate(body);
      if (!values.subject) throw fieldError('subject', 'The subject field is required.');
      const campaign = await Campaign.create({ ...values, name: values.name!, subject: values.subject, html_content: values.html_content ?? null, plain_text: values.plain_text ?? null, template_id: values.template_id ?? null, scheduled_at: null, created_by: user.id });
      return reply.created(campaignJson(campaign));
    },
  }),
  route<{ id: number }, {}, CampaignBody>({
    method: 'PUT', path: '/campaigns/:id', summary: 'Change a draft campaign (only the fields sent); any other status: 409', access: WRITE, params: idParams,
    body: { type: 'object', properties: fields },
    handler: async ({ params, body }) => {
      const values = await withTemplate(body);
      return transition(params.id, ['draft'], 'edited', values as Partial<Campaign>);
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/campaigns/:id', summary: 'Delete a campaign (soft); not while it is sending (409)', access: WRITE, params: idParams, response: { status: 204 },
    handler: async ({ params }) => {
      await db.sequelize.transaction(async (transaction) => {
        const campaign = await campaignOr404(params.id, transaction, true);
        ensureStatus(campaign, ['draft', 'scheduled', 'sent', 'cancelled', 'failed'], 'deleted');
        await campaign.destroy({ transaction });
      });
      return reply.noContent();
    },
  }),
  route<{ id: number }, {}, { scheduled_at: string }>({
    method: 'POST', path: '/campaigns/:id/schedule', summary: 'Schedule a draft (or move a scheduled one): the tick starts it when its time comes', access: WRITE, params: idParams,
    body: { type: 'object', required: ['scheduled_at'], properties: { scheduled_at: { type: 'string', minLength: 1, maxLength: 40, description: 'ISO-8601, or "YYYY-MM-DD HH:MM[:SS]" in UTC' } } },
    handler: async ({ params, body }) => {
      const at = parseMoment(body.scheduled_at);
      if (at.getTime() <= Date.now()) throw invalid({ scheduled_at: ['The scheduled at must be a date in the future.'] });
      const campaign = await campaignOr404(params.id);
      if (!campaign.html_content?.trim()) throw fieldError('html_content', 'The campaign has no content to send.');
      return transition(params.id, ['draft', 'scheduled'], 'scheduled', { status: 'scheduled', scheduled_at: at });
    },
  }),
  actionRoute('send', 'Start sending now: answers at once (202, the campaign sending); every subscribed recipient is mailed once in the background', async (id) => {
    const campaign = await beginSending(id, ['draft', 'scheduled']);
    startSending(id);
    return reply.with(202, campaignJson(campaign));
  }, 202),
  actionRoute('cancel', 'Cancel a draft, scheduled or sending campaign (mails already sent stay sent)', (id) =>
    transition(id, ['draft', 'scheduled', 'sending'], 'cancelled', { status: 'cancelled', cancelled_at: new Date(), lease_owner: null, lease_expires_at: null })),
  actionRoute('duplicate', 'A new draft with the same content and targeting', async (id) => {
    const source = await campaignOr404(id);
    const copy = await Campaign.create({
      name: `${source.name} (copy)`.slice(0, 255), subject: source.subject, html_content: source.html_content, plain_text: source.plain_text,
      template_id: source.template_id, targeting: source.targeting, scheduled_at: null, created_by: source.created_by,
    });
    return reply.created(campaignJson(copy));
  }, 201),
  route<{ id: number }, {}, { emails?: string[]; email?: string }>({
    method: 'POST', path: '/campaigns/:id/test-send', summary: 'Send the campaign now to a few addresses (subject prefixed [TEST]); its counters do not change', access: WRITE, params: idParams,
    body: {
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, emails: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'string', format: 'email' } } },
    },
    handler: async ({ params, body }) => {
      const campaign = await campaignOr404(params.id);
      const to = [...new Set([...(body.emails ?? []), ...(body.email ? [body.email] : [])].map((e) => e.trim().toLowerCase()))];
      if (!to.length) throw fieldError('emails', 'The emails field is required.');
      if (!campaign.html_content?.trim()) throw fieldError('html_content', 'The campaign has no content to send.');
      await Promise.all(to.map((email) => {
        const mail = campaignMail({ ...campaign.get({ plain: true }), html_content: campaign.html_content! }, { subscriber_id: 0, email, name: null, unsubscribe_token: 'test' }, '[TEST] ');
        return sendThrottled({ ...mail, messageId: undefined }, 1).catch((error: Error) => {
          throw failureKind(error) === 'unavailable'
            ? new HttpError(503, 'The mail server cannot be reached; try again later.', undefined, { 'Retry-After': '30' })
            : new HttpError(502, `The mail server refused the test mail to ${email}: ${error.message}`);
        });
      }));
      return { message: `Test mail sent to ${to.length} address${to.length > 1 ? 'es' : ''}.`, sent: to };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/campaigns/:id/stats', summary: 'Counters and rates (delivery, open, click, bounce, unsubscribe) of a campaign', access: READ, params: idParams,
    handler: async ({ params }) => {
      const c = await campaignOr404(params.id);
      const [{ remaining }] = await sql.select<{ remaining: number }>("SELECT COUNT(*) AS remaining FROM newsletter_campaigns WHERE campaign_id = ? AND status IN ('pending', 'sending')", [c.id]);
      const { id, status, total_recipients, sent, failed, ambiguous, delivered, opened, clicked, bounced, complained, unsubscribed } = c;
      return { campaign_id: id, status, total_recipients, remaining: Number(remaining), sent, failed, ambiguous, delivered, opened, clicked, bounced, complained, unsubscribed, ...rates(c) };
    },
  }),
  route<{ id: number }, ListQuery & { status?: string; search?: string }>({
    method: 'GET', path: '/campaigns/:id/recipients', summary: "A campaign's recipients and what became of each mail; filters status, search (e-mail)", access: READ, params: idParams,
    query: listQuerySchema(RECIPIENT_SORTS, { status: { type: 'string', enum: RECIPIENT_STATUSES }, search: { type: 'string', maxLength: 100 } }),
    handler: async ({ params, query }) => {
      await campaignOr404(params.id);
      const clauses = ['campaign_id = ?'];
      const values: Array<string | number> = [params.id];
      if (query.status) {
        clauses.push('status = ?');
        values.push(query.status);
      }
      const search = query.search?.trim();
      if (search) {
        clauses.push('email LIKE ?');
        values.push(`%${escapeLike(search)}%`);
      }
      const where = clauses.join(' AND ');
      // The sort is one of RECIPIENT_SORTS (the query schema says so): safe to name in the SQL.
      const [column, direction] = query.sort?.startsWith('-') ? [query.sort.slice(1), 'DESC'] : [query.sort ?? 'id', 'ASC'];
      const [rows, [{ total }]] = await Promise.all([
        sql.select(
          `SELECT id, subscriber_id, email, name, status, message_id, attempts, error, sent_at, delivered_at, opened_at, clicked_at, bounced_at, complained_at, unsubscribed_at, open_count, click_count
           FROM newsletter_campaigns WHERE ${where} ORDER BY ${column} ${direction}, id ${direction} LIMIT ${query.per_page} OFFSET ${(query.page - 1) * query.per_page}`,
          values,
        ),
        sql.select<{ total: number }>(`SELECT COUNT(*) AS total FROM newsletter_campaigns WHERE ${where}`, values),
      ]);
      return pageOf(rows, Number(total), query);
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/campaigns/:id/analytics', summary: 'Recipients per status, opens and clicks per hour, engagement totals and rates', access: READ, params: idParams,
    handler: async ({ params }) => {
      const c = await campaignOr404(params.id);
      const perHour = (column: string) =>
        sql.select<{ hour: string; count: number }>(
          `SELECT DATE_FORMAT(${column}, '%Y-%m-%dT%H:00:00Z') AS hour, COUNT(*) AS count FROM newsletter_campaigns WHERE campaign_id = ? AND ${column} IS NOT NULL GROUP BY hour ORDER BY hour`, [c.id],
        );
      const [statuses, engagement, opens, clicks] = await Promise.all([
        sql.select<{ status: string; count: number }>('SELECT status, COUNT(*) AS count FROM newsletter_campaigns WHERE campaign_id = ? GROUP BY status', [c.id]),
        sql.select<{ opens: number; clicks: number }>('SELECT COALESCE(SUM(open_count), 0) AS opens, COALESCE(SUM(click_count), 0) AS clicks FROM newsletter_campaigns WHERE campaign_id = ?', [c.id]),
        perHour('opened_at'), perHour('clicked_at'),
      ]);
      return {
        campaign_id: c.id, status: c.status, total_recipients: c.total_recipients,
        recipients_by_status: Object.fromEntries(statuses.map((s) => [s.status, Number(s.count)])),
        unique_opens: c.opened, unique_clicks: c.clicked, total_opens: Number(engagement[0].opens), total_clicks: Number(engagement[0].clicks),
        opens_by_hour: opens.map((o) => ({ hour: o.hour, count: Number(o.count) })), clicks_by_hour: clicks.map((o) => ({ hour: o.hour, count: Number(o.count) })),
        ...rates(c),
      };
    },
  }),
];
