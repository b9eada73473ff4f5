import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelAttributeColumnOptions, type Sequelize } from 'sequelize';
import { serviceDatabase, statements } from '../kit';

export const SUBSCRIBER_STATUSES = ['pending', 'subscribed', 'unsubscribed', 'bounced'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
/** What a subscriber may give about themselves (the rest of the row is the platform's). */
export interface SubscriberDetails { name?: string; phone?: string; preferences?: string[]; user_id?: number }
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/** A recipient row (`newsletter_campaigns`): its send outcome, then what the provider reported. */
export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'failed', 'ambiguous', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed'] as const;

/** Who a campaign goes to, among the subscribed: all of them, or those with one of these preferences or sources. */
export interface Targeting {
  preferences?: string[];
  sources?: string[];
}

/** Subscribers (the older platform's `newsletters` table). */
export class Subscriber extends Model<InferAttributes<Subscriber>, InferCreationAttributes<Subscriber>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare name: string | null;
  declare phone: string | null;
  declare status: SubscriberStatus;
  declare preferences: CreationOptional<string[]>;
  declare source: string | null;
  declare user_id: number | null;
  declare subscribed_at: Date | null;
  declare unsubscribed_at: Date | null;
  declare unsubscribe_token: string;
  declare confirm_token: string | null;
  declare confirmation_sent_at: Date | null;
  /** Details an anonymous subscription asked for on a known address; the confirmation link applies them. */
  declare requested: CreationOptional<SubscriberDetails | null>;
  declare bounce_count: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class Campaign extends Model<InferAttributes<Campaign>, InferCreationAttributes<Campaign>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare subject: string;
  declare html_content: string | null;
  declare plain_text: string | null;
  declare template_id: number | null;
  declare status: CreationOptional<CampaignStatus>;
  declare targeting: CreationOptional<Targeting>;
  declare scheduled_at: Date | null;
  declare started_at: CreationOptional<Date | null>;
  declare sent_at: CreationOptional<Date | null>;
  declare cancelled_at: CreationOptional<Date | null>;
  declare total_recipients: CreationOptional<number>;
  declare sent: CreationOptional<number>;
  declare failed: CreationOptional<number>;
  declare ambiguous: CreationOptional<number>;
  declare delivered: CreationOptional<number>;
  declare opened: CreationOptional<number>;
  declare clicked: CreationOptional<number>;
  declare bounced: CreationOptional<number>;
  declare complained: CreationOptional<number>;
  declare unsubscribed: CreationOptional<number>;
  declare lease_owner: CreationOptional<string | null>;
  declare lease_expires_at: CreationOptional<Date | null>;
  declare created_by: number | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class EmailTemplate extends Model<InferAttributes<EmailTemplate>, InferCreationAttributes<EmailTemplate>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare slug: string;
  declare subject: string;
  declare html_content: string;
  declare plain_text: string | null;
  declare variables: CreationOptional<string[]>;
  declare category: string | null;
  declare is_active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class CampaignAsset extends Model<InferAttributes<CampaignAsset>, InferCreationAttributes<CampaignAsset>> {
  declare id: CreationOptional<number>;
  declare campaign_id: number;
  declare key: string;
  declare filename: string;
  declare size: number;
  declare mime_type: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

/** JSON kept in a TEXT column (MariaDB's JSON is LONGTEXT, which drivers hand back as text); a `null` fallback makes it nullable. */
function jsonText(field: string, fallback: unknown): ModelAttributeColumnOptions {
  return {
    type: DataTypes.TEXT,
    allowNull: fallback === null,
    defaultValue: fallback === null ? null : JSON.stringify(fallback),
    get(this: Model) {
      const raw = this.getDataValue(field) as unknown;
      return typeof raw === 'string' ? JSON.parse(raw) : raw ?? fallback;
    },
    set(this: Model, value: unknown) {
      this.setDataValue(field, value == null && fallback === null ? null : JSON.stringify(value ?? fallback));
    },
  };
}

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const stamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE };
  const paranoid = { sequelize, paranoid: true, deletedAt: 'deleted_at' } as const;
  // A new object per column: Sequelize writes the column's name into the definition it is given.
  const counter = () => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 });
  Subscriber.init(
    {
      id,
      email: { type: DataTypes.STRING(191), allowNull: false },
      name: DataTypes.STRING,
      phone: DataTypes.STRING(30),
      status: { type: DataTypes.ENUM(...SUBSCRIBER_STATUSES), allowNull: false },
      preferences: jsonText('preferences', []),
      source: DataTypes.STRING(50),
      user_id: DataTypes.INTEGER.UNSIGNED,
      subscribed_at: DataTypes.DATE,
      unsubscribed_at: DataTypes.DATE,
      unsubscribe_token: { type: DataTypes.STRING(64), allowNull: false },
      confirm_token: DataTypes.STRING(64),
      confirmation_sent_at: DataTypes.DATE,
      requested: jsonText('requested', null),
      bounce_count: counter(),
      ...stamps,
      deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'newsletters' },
  );
  Campaign.init(
    {
      id,
      name: { type: DataTypes.STRING, allowNull: false },
      subject: { type: DataTypes.STRING, allowNull: false },
      html_content: DataTypes.TEXT('medium'),
      plain_text: DataTypes.TEXT('medium'),
      template_id: DataTypes.INTEGER.UNSIGNED,
      status: { type: DataTypes.ENUM(...CAMPAIGN_STATUSES), allowNull: false, defaultValue: 'draft' },
      targeting: jsonText('targeting', {}),
      scheduled_at: DataTypes.DATE,
      started_at: DataTypes.DATE,
      sent_at: DataTypes.DATE,
      cancelled_at: DataTypes.DATE,
      total_recipients: counter(), sent: counter(), failed: counter(), ambiguous: counter(), delivered: counter(),
      opened: counter(), clicked: counter(), bounced: counter(), complained: counter(), unsubscribed: counter(),
      lease_owner: DataTypes.STRING(64),
      lease_expires_at: DataTypes.DATE(3),
      created_by: DataTypes.INTEGER.UNSIGNED,
      ...stamps,
      deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'campaigns' },
  );
  EmailTemplate.init(
    {
      id,
      name: { type: DataTypes.STRING, allowNull: false },
      slug: { type: DataTypes.STRING(191), allowNull: false },
      subject: { type: DataTypes.STRING, allowNull: false },
      html_content: { type: DataTypes.TEXT('medium'), allowNull: false },
      plain_text: DataTypes.TEXT('medium'),
      variables: jsonText('variables', []),
      category: DataTypes.STRING(50),
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      ...stamps,
      deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'email_templates' },
  );
  CampaignAsset.init(
    {
      id,
      campaign_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      key: { type: DataTypes.STRING(500), allowNull: false },
      filename: { type: DataTypes.STRING, allowNull: false },
      size: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      mime_type: { type: DataTypes.STRING(50), allowNull: false },
      ...stamps,
    },
    { sequelize, tableName: 'campaign_assets' },
  );
  return { Subscriber, Campaign, EmailTemplate, CampaignAsset };
}

export const db = serviceDatabase('newsletters', defineModels);
/** Prepared statements for the recipient rows and counters (hot while a campaign is sending). */
export const sql = statements('newsletters');
void db.models;
