import { DataTypes } from 'sequelize';
import { files, type Migration } from '../kit';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const stamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };
const softDeleted = { ...stamps, deleted_at: { type: DataTypes.DATE, allowNull: true } };
const counter = { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 };
const text = (length = 255, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });

export const migrations: Migration[] = [
  files.pendingUploadsMigration,
  {
    name: '001-subscribers-campaigns-templates',
    async up(q) {
      await q.createTable('newsletters', {
        id,
        email: text(191, false),
        name: text(),
        phone: text(30),
        status: { type: DataTypes.ENUM('pending', 'subscribed', 'unsubscribed', 'bounced'), allowNull: false },
        preferences: { type: DataTypes.TEXT, allowNull: false },
        source: text(50),
        user_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        subscribed_at: { type: DataTypes.DATE, allowNull: true },
        unsubscribed_at: { type: DataTypes.DATE, allowNull: true },
        unsubscribe_token: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        confirm_token: { type: DataTypes.STRING(64), allowNull: true, unique: true },
        confirmation_sent_at: { type: DataTypes.DATE, allowNull: true },
        bounce_count: counter,
        ...softDeleted,
      });
      // One row per address, deleted or not: a deleted subscriber who subscribes again is restored.
      await q.addIndex('newsletters', ['email'], { unique: true, name: 'newsletters_email' });
      await q.addIndex('newsletters', ['status', 'deleted_at'], { name: 'newsletters_status' });
      await q.addIndex('newsletters', ['created_at'], { name: 'newsletters_created' });
      await q.addIndex('newsletters', ['subscribed_at'], { name: 'newsletters_subscribed' });
      await q.addIndex('newsletters', ['unsubscribed_at'], { name: 'newsletters_unsubscribed' });

      await q.createTable('campaigns', {
        id,
        name: text(255, false),
        subject: text(255, false),
        html_content: { type: DataTypes.TEXT('medium'), allowNull: true },
        plain_text: { type: DataTypes.TEXT('medium'), allowNull: true },
        template_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        status: { type: DataTypes.ENUM('draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'), allowNull: false, defaultValue: 'draft' },
        targeting: { type: DataTypes.TEXT, allowNull: false },
        scheduled_at: { type: DataTypes.DATE, allowNull: true },
        started_at: { type: DataTypes.DATE, allowNull: true },
        sent_at: { type: DataTypes.DATE, allowNull: true },
        cancelled_at: { type: DataTypes.DATE, allowNull: true },
        total_recipients: counter, sent: counter, failed: counter, ambiguous: counter, delivered: counter,
        opened: counter, clicked: counter, bounced: counter, complained: counter, unsubscribed: counter,
        lease_owner: text(64),
        lease_expires_at: { type: DataTypes.DATE(3), allowNull: true },
        created_by: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        ...softDeleted,
      });
      await q.addIndex('campaigns', ['status', 'scheduled_at'], { name: 'campaigns_due' });

      // One row per campaign and recipient: what makes "each mailed once" a database fact.
      await q.createTable('newsletter_campaigns', {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        campaign_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, references: { model: 'campaigns', key: 'id' }, onDelete: 'CASCADE' },
        subscriber_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        email: text(191, false),
        name: text(),
        unsubscribe_token: { type: DataTypes.STRING(64), allowNull: false },
        status: {
          type: DataTypes.ENUM('pending', 'sending', 'sent', 'failed', 'ambiguous', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed'),
          allowNull: false, defaultValue: 'pending',
        },
        message_id: text(191),
        attempts: { type: DataTypes.TINYINT.UNSIGNED, allowNull: false, defaultValue: 0 },
        error: { type: DataTypes.TEXT, allowNull: true },
        claimed_at: { type: DataTypes.DATE(3), allowNull: true },
        sent_at: { type: DataTypes.DATE(3), allowNull: true },
        delivered_at: { type: DataTypes.DATE, allowNull: true },
        opened_at: { type: DataTypes.DATE, allowNull: true },
        clicked_at: { type: DataTypes.DATE, allowNull: true },
        bounced_at: { type: DataTypes.DATE, allowNull: true },
        complained_at: { type: DataTypes.DATE, allowNull: true },
        unsubscribed_at: { type: DataTypes.DATE, allowNull: true },
        open_count: counter,
        click_count: counter,
        ...stamps,
      });
      await q.addIndex('newsletter_campaigns', ['campaign_id', 'subscriber_id'], { unique: true, name: 'newsletter_campaigns_once' });
      await q.addIndex('newsletter_campaigns', ['campaign_id', 'status', 'id'], { name: 'newsletter_campaigns_work' });
      await q.addIndex('newsletter_campaigns', ['message_id'], { name: 'newsletter_campaigns_message' });

      await q.createTable('email_templates', {
        id,
        name: text(255, false),
        slug: { type: DataTypes.STRING(191), allowNull: false, unique: true },
        subject: text(255, false),
        html_content: { type: DataTypes.TEXT('medium'), allowNull: false },
        plain_text: { type: DataTypes.TEXT('medium'), allowNull: true },
        variables: { type: DataTypes.TEXT, allowNull: false },
        category: text(50),
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        ...softDeleted,
      });

      await q.createTable('campaign_assets', {
        id,
        campaign_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, references: { model: 'campaigns', key: 'id' }, onDelete: 'CASCADE' },
        key: { type: DataTypes.STRING(500), allowNull: false },
        filename: text(255, false),
        size: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        mime_type: text(50, false),
        ...stamps,
      });

      // Provider event ids already applied: a replayed webhook changes nothing.
      await q.createTable('webhook_events', {
        event_id: { type: DataTypes.STRING(191), primaryKey: true },
        type: text(30, false),
        received_at: { type: DataTypes.DATE, allowNull: false },
      });
    },
    async down(q) {
      for (const table of ['webhook_events', 'campaign_assets', 'email_templates', 'newsletter_campaigns', 'campaigns', 'newsletters']) await q.dropTable(table);
    },
  },
  {
    // What an anonymous subscription asked to change on a known address: applied only by the link mailed to it.
    name: '002-subscription-requests',
    up: (q) => q.addColumn('newsletters', 'requested', { type: DataTypes.TEXT, allowNull: true }),
    down: (q) => q.removeColumn('newsletters', 'requested'),
  },
];
