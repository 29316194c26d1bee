-- Inbound partner webhooks: each accepted event is committed here before it is answered 200,
-- then processed (its channels re-read) by any worker. One row per (partner, event key): a
-- repeat within 7 days only counts on the row.
CREATE TABLE inbound_webhooks (
    id               bigserial   PRIMARY KEY,
    partner_id       text        NOT NULL,
    event_key        text        NOT NULL,              -- 'id:<event id>', else 'sha256:<hex of the body>'
    event            text        NOT NULL,              -- the event's name as sent ('' when it has none)
    received_at      timestamptz NOT NULL DEFAULT now(),
    body             text        NOT NULL,              -- the raw body (a JSON object), at most 1 MiB
    names            jsonb       NOT NULL,              -- what it names: channel_ids, phone_numbers, waba_ids, client_ids
    waba_wide        boolean     NOT NULL DEFAULT false, -- about a whole WABA (account_violation, ...)
    duplicates       integer     NOT NULL DEFAULT 0,    -- repeats received after it
    last_duplicate_at timestamptz,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    processed_at     timestamptz,
    outcome          jsonb                              -- channels re-read, the poll that recorded them, full poll requested
);
CREATE UNIQUE INDEX inbound_webhooks_key ON inbound_webhooks (partner_id, event_key);
CREATE INDEX inbound_webhooks_pending ON inbound_webhooks (received_at) WHERE status = 'pending';
CREATE INDEX inbound_webhooks_received ON inbound_webhooks (received_at DESC);

-- A targeted poll re-reads only the channels inbound webhooks named; it judges no other channel.
ALTER TABLE polls ADD COLUMN targeted boolean NOT NULL DEFAULT false;

-- Inbound events name channels by phone number and WABA: found without scanning the documents.
CREATE INDEX channel_snapshots_phone_digits
    ON channel_snapshots (partner_id, regexp_replace(document->'setup_info'->>'phone_number', '\D', '', 'g'));
CREATE INDEX channel_snapshots_waba ON channel_snapshots (partner_id, (document->'waba_account'->>'id'));

-- Webhook rules record `received` events.
ALTER TABLE events DROP CONSTRAINT events_status_check;
ALTER TABLE events ADD CONSTRAINT events_status_check CHECK (status IN ('firing', 'resolved', 'changed', 'received'));

-- For deliveries caused by inbound events: when the earliest of them was received, so the time
-- from receipt to notification can be measured when the delivery succeeds.
ALTER TABLE deliveries ADD COLUMN inbound_received_at timestamptz;
