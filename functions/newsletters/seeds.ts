import type { Seed } from '../kit';
import { EmailTemplate } from './database';
import { defaultTemplates } from './messages';

export const seeds: Seed[] = [
  {
    name: '001-default-templates',
    async run() {
      for (const template of defaultTemplates) {
        await EmailTemplate.findOrCreate({ where: { slug: template.slug }, defaults: template, paranoid: false });
      }
    },
  },
];
