-- ChannelWatch state: snapshots, polls, events, alerts and the delivery outbox.
-- Applied by `channelwatch migrate` (and `run` on start) inside one transaction.

-- The last document seen of every channel, and what the rules engine remembers about it.
CREATE TABLE channel_snapshots (
    partner_id     text        NOT NULL,
    channel_id     text        NOT NULL,
    document       jsonb       NOT NULL,               -- the full channel document, unknown fields kept
    fingerprint    text        NOT NULL,               -- hash of the document: unchanged channels are skipped cheaply
    rule_state     jsonb       NOT NULL DEFAULT '{}',  -- firing rules and for_polls counters (Rules.ChannelRuleState)
    needs_evaluation boolean   NOT NULL DEFAULT false, -- a for_polls counter is running: evaluate even if unchanged
    first_seen_at  timestamptz NOT NULL,
    changed_at     timestamptz NOT NULL,
    missing_since  timestamptz,                        -- absent from a complete poll since then
    PRIMARY KEY (partner_id, channel_id)
);

-- Per-partner bookkeeping: failure streaks for poll_failing, and which rules judged the snapshots.
CREATE TABLE partner_state (
    partner_id            text        PRIMARY KEY,
    consecutive_failures  integer     NOT NULL DEFAULT 0,
    last_poll_at          timestamptz,
    last_complete_poll_at timestamptz,
    rules_fingerprint     text                          -- rules changed → every channel is evaluated again
);

-- One row per poll, complete or not, with the reason when not.
CREATE TABLE polls (
    id           bigserial   PRIMARY KEY,
    partner_id   text        NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL,
    complete     boolean     NOT NULL,
    pages        integer     NOT NULL DEFAULT 0,
    channels     integer     NOT NULL DEFAULT 0,
    changed      integer     NOT NULL DEFAULT 0,
    events       integer     NOT NULL DEFAULT 0,
    error        text,                                  -- why the poll was incomplete
    http_status  integer,
    trace_id     text                                   -- 360dialog_trace_id of the failing response
);
CREATE INDEX polls_partner_started ON polls (partner_id, started_at DESC);

-- Every observed fact. Never deleted by the worker; `prune` removes old ones.
CREATE TABLE events (
    id           uuid        PRIMARY KEY,
    dedup_key    text        NOT NULL UNIQUE,
    poll_id      bigint      REFERENCES polls (id) ON DELETE SET NULL,
    partner_id   text        NOT NULL,
    channel_id   text        NOT NULL,                 -- empty for partner-wide system alerts
    rule         text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('firing', 'resolved', 'changed')),
    severity     text        NOT NULL,
    field        text,
    from_value   text,
    to_value     text,
    summary      text        NOT NULL,
    description  text        NOT NULL DEFAULT '',
    labels       jsonb       NOT NULL DEFAULT '{}',
    channel      jsonb       NOT NULL DEFAULT '{}',    -- phone number, names, client, WABA: what messages show
    observed_at  timestamptz NOT NULL,
    notified     boolean     NOT NULL DEFAULT true     -- false for first-poll baseline events
);
CREATE INDEX events_observed ON events (observed_at DESC);
CREATE INDEX events_partner_channel ON events (partner_id, channel_id, observed_at DESC);

-- Alerts of state rules and system alerts: at most one open per (partner, channel, rule).
CREATE TABLE alerts (
    id                uuid        PRIMARY KEY,
    partner_id        text        NOT NULL,
    channel_id        text        NOT NULL,
    rule              text        NOT NULL,
    severity          text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('firing', 'resolved')),
    fired_event_id    uuid        NOT NULL REFERENCES events (id),
    resolved_event_id uuid        REFERENCES events (id),
    started_at        timestamptz NOT NULL,
    resolved_at       timestamptz
);
CREATE UNIQUE INDEX alerts_one_open ON alerts (partner_id, channel_id, rule) WHERE status = 'firing';
CREATE INDEX alerts_started ON alerts (started_at DESC);

-- The outbox: one row per (group, receiver), delivered independently.
CREATE TABLE deliveries (
    id              uuid        PRIMARY KEY,
    receiver        text        NOT NULL,
    group_key       text        NOT NULL,
    kind            text        NOT NULL DEFAULT 'notification' CHECK (kind IN ('notification', 'reminder', 'test')),
    payload         jsonb       NOT NULL,              -- the events as receivers render them; no secrets
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    leased_until    timestamptz,                       -- a worker claimed it until then; after that anyone may
    lease_owner     text,
    delivered_at    timestamptz,
    last_error      text
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_created ON deliveries (created_at DESC);

-- Which events a delivery carries.
CREATE TABLE delivery_events (
    delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (delivery_id, event_id)
);
CREATE INDEX delivery_events_event ON delivery_events (event_id);

-- When an open alert was last notified through a receiver, for repeat_interval reminders.
CREATE TABLE alert_notifications (
    alert_id         uuid        NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    receiver         text        NOT NULL,
    group_key        text        NOT NULL,
    repeat_interval_seconds bigint,
    last_notified_at timestamptz NOT NULL,
    PRIMARY KEY (alert_id, receiver)
);
