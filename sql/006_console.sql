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

-- Dead deliveries are counted for the console and a gauge, and listed newest first.
CREATE INDEX deliveries_dead ON deliveries (created_at DESC) WHERE status = 'dead';

-- Firing alerts are listed newest first, and paged by (started_at, id).
CREATE INDEX alerts_firing_started ON alerts (started_at DESC, id DESC) WHERE status = 'firing';
