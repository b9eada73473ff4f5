import { statements } from '../kit/sql';

export { placeholders } from '../kit/sql';
export const { run, select, change } = statements('products');
