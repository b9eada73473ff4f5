import type { Route } from '../../kit';
import { Attribute, AttributeGroup, Characteristic, CharacteristicGroup, RelatedCharacteristic } from '../database';
import { checkLive } from '../rules';
import { CATALOGUE_ACCESS, catalogueCrud, idField, nameField, optionalIdField, stockField } from './common';

/** Parts of one product (attributes, characteristic values): written by staff, read through GET /products/{id}. */
const PART_ACCESS = { ...CATALOGUE_ACCESS, list: { permission: 'products.update' }, show: { permission: 'products.update' } };

/** Attributes (variant values with their own stock) and characteristics (descriptive key/values) of products. */
export const detailRoutes: Route[] = [
  ...catalogueCrud({
    model: AttributeGroup, noun: 'attribute group', path: '/admin/attribute-groups', readPath: '/attribute-groups',
    fields: { name: nameField }, required: ['name'], sortable: ['name', 'created_at'], searchable: ['name'],
  }),
  ...catalogueCrud({
    model: Attribute, noun: 'attribute', path: '/admin/attributes', access: PART_ACCESS,
    fields: { product_id: idField, attribute_group_id: idField, value: nameField, stock: stockField },
    required: ['product_id', 'attribute_group_id', 'value'], filters: { product_id: idField },
    validate: (values, _existing, transaction) => checkLive(values, { product_id: 'products', attribute_group_id: 'attribute_groups' }, transaction),
  }),
  ...catalogueCrud({
    model: CharacteristicGroup, noun: 'characteristic group', path: '/admin/characteristic-groups', readPath: '/characteristic-groups',
    fields: { name: nameField }, required: ['name'], sortable: ['name', 'created_at'], searchable: ['name'],
  }),
  ...catalogueCrud({
    model: Characteristic, noun: 'characteristic', path: '/admin/characteristics', readPath: '/characteristics',
    fields: { name: nameField, characteristic_group_id: optionalIdField }, required: ['name'], sortable: ['name', 'created_at'], searchable: ['name'],
    filters: { characteristic_group_id: idField },
    validate: (values, _existing, transaction) => checkLive(values, { characteristic_group_id: 'characteristic_groups' }, transaction),
  }),
  ...catalogueCrud({
    model: RelatedCharacteristic, noun: "product's characteristic", path: '/admin/related-characteristics', access: PART_ACCESS,
    fields: { product_id: idField, characteristic_id: idField, value: { type: 'string', minLength: 1, maxLength: 1000 } },
    required: ['product_id', 'characteristic_id', 'value'], filters: { product_id: idField },
    validate: (values, _existing, transaction) => checkLive(values, { product_id: 'products', characteristic_id: 'characteristics' }, transaction),
  }),
];
