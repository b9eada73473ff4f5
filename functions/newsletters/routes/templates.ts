import { crudRoutes, idParams, notFound, route, type Route } from '../../kit';
import { EmailTemplate } from '../database';
import { renderContent } from '../messages';
import { variablesOf } from '../render';
import { WRITE } from '../access';

const access = WRITE;

function templateJson(t: EmailTemplate) {
  const { id, name, slug, subject, html_content, plain_text, variables, category, is_active, created_at, updated_at } = t;
  return { id, name, slug, subject, html_content, plain_text, variables, category, is_active, created_at, updated_at };
}

export const templateRoutes: Route[] = [
  ...crudRoutes({
    model: EmailTemplate,
    noun: 'template',
    path: '/templates',
    access: { list: access, show: access, create: access, update: access, delete: access },
    fields: {
      name: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
      slug: { type: 'string', maxLength: 191, pattern: '^[a-z0-9]+(?:[-_][a-z0-9]+)*$' },
      subject: { type: 'string', minLength: 1, maxLength: 255 },
      html_content: { type: 'string', minLength: 1, maxLength: 500_000 },
      plain_text: { type: ['string', 'null'], maxLength: 500_000 },
      variables: { type: 'array', maxItems: 100, items: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' } },
      category: { type: ['string', 'null'], maxLength: 50 },
      is_active: { type: 'boolean' },
    },
    required: ['name', 'slug', 'subject', 'html_content'],
    unique: ['slug'],
    sortable: ['id', 'name', 'slug', 'category', 'created_at'],
    searchable: ['name', 'slug', 'subject'],
    filters: { category: { type: 'string', maxLength: 50 }, is_active: { type: 'boolean' } },
    toJson: templateJson,
    // The variables a template uses are known from its text unless they were listed.
    async afterWrite(action, row, transaction, values) {
      if (action === 'deleted' || values.variables) return;
      const used = variablesOf([row.subject, row.html_content, row.plain_text ?? ''].join('\n'));
      await row.update({ variables: used }, { transaction });
    },
  }),
  route<{ id: number }, {}, { variables?: Record<string, string> }>({
    method: 'POST', path: '/templates/:id/preview', summary: 'The template rendered with sample variables (escaped in the HTML part)', access, params: idParams,
    body: { type: 'object', properties: { variables: { type: 'object', patternProperties: { '^[a-zA-Z_][a-zA-Z0-9_]*$': { type: ['string', 'number', 'null'] } } } } },
    handler: async ({ params, body }) => {
      const template = await EmailTemplate.findByPk(params.id);
      if (!template) throw notFound('The template does not exist.');
      const { subject, html, text } = renderContent(template, body.variables ?? {});
      return { subject, html, text };
    },
  }),
];
