-- The console, the JSON API and the portfolio gauges.

-- How many of a partner's present channels (not missing) have each value of the fields a
-- portfolio is watched by. Kept up to date by every recording, in its transaction, from the
-- channels it writes (a channel's old values out, its new ones in), so neither the console nor
-- the gauges ever scan the snapshots. A field a channel lacks counts as the value ''.
CREATE TABLE channel_state_counts (
    partner_id text    NOT NULL,
    field      text    NOT NULL,   -- current_quality_rating, current_limit, availability_status, status, waba_account.status
    value      text    NOT NULL,
    channels   integer NOT NULL,
    PRIMARY KEY (partner_id, field, value)
);

-- What is stored already, counted once.
INSERT INTO channel_state_counts (partner_id, field, value, channels)
SELECT s.partner_id, f.field, coalesce(f.value, ''), count(*)
FROM channel_snapshots s,
     LATERAL (VALUES ('current_quality_rating', s.document->>'current_quality_rating'),
                     ('current_limit', s.document->>'current_limit'),
                     ('availability_status', s.document->>'availability_status'),
                     ('status', s.document->>'status'),
                     ('waba_account.status', s.document->'waba_account'->>'status')) AS f(field, value)
WHERE s.missing_since IS NULL
GROUP BY 1, 2, 3;

-- An alert keeps the channel as its firing event saw it (phone, names, client, WABA), so the
-- console filters and searches 10,000 firing alerts without joining each to its event.
ALTER TABLE alerts ADD COLUMN channel jsonb NOT NULL DEFAULT '{}';
UPDATE alerts a SET channel = e.channel FROM events e WHERE e.id = a.fired_event_id;

-- Listings are newest first and paged by (time, id): a poll that changed 10,000 channels writes
-- 20,000 events at one time, and a page must not sort them all to find its 50. The id joins
-- the time in each listing's index.
DROP INDEX events_observed;
CREATE INDEX events_observed ON events (observed_at DESC, id DESC);
DROP INDEX deliveries_created;
CREATE INDEX deliveries_created ON deliveries (created_at DESC, id DESC);
DROP INDEX inbound_webhooks_received;
CREATE INDEX inbound_webhooks_received ON inbound_webhooks (received_at DESC, id DESC);
CREATE INDEX alerts_firing_started ON alerts (started_at DESC, id DESC) WHERE status = 'firing';

-- Dead deliveries are counted for the console and a gauge, and listed newest first.
CREATE INDEX deliveries_dead ON deliveries (created_at DESC, id DESC) WHERE status = 'dead';
