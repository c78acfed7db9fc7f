-- The sender's own delivery id (Standard Webhooks `webhook-id`): a replayed delivery is answered with the first id.
ALTER TABLE webhook_deliveries ADD COLUMN delivery_key TEXT;
CREATE UNIQUE INDEX webhook_deliveries_key ON webhook_deliveries (source, delivery_key) WHERE delivery_key IS NOT NULL;
