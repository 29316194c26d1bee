-- Silences and inhibition: a silenced or inhibited event is still recorded, with what held it
-- back; alert state changes as always; only its delivery is withheld.
CREATE TABLE silences (
    id          uuid        PRIMARY KEY,
    matchers    jsonb       NOT NULL,   -- [{"label": "waba_id", "match": "104000001"}, {"label": "rule", "match": "=~quality_.*"}]
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL CHECK (ends_at >= starts_at),
    comment     text        NOT NULL CHECK (comment <> ''),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX silences_ends ON silences (ends_at);

-- Which active silences held an event back, or which firing alert (rule/channel_id) inhibited it.
ALTER TABLE events ADD COLUMN silenced_by uuid[], ADD COLUMN inhibited_by text;

-- An alert whose firing was held back: notified once when nothing suppresses it any more, and
-- its resolve is not sent (nobody was told it fired).
ALTER TABLE alerts ADD COLUMN held_back boolean NOT NULL DEFAULT false;
CREATE INDEX alerts_held_back ON alerts (partner_id) WHERE status = 'firing' AND held_back;
-- Resolves of held-back alerts are looked up by their event (few rows: only held-back alerts).
CREATE INDEX alerts_held_back_resolved ON alerts (resolved_event_id) WHERE held_back;
-- Inhibition reads a partner's firing alerts of the source rules at every poll.
CREATE INDEX alerts_firing_rule ON alerts (partner_id, rule) WHERE status = 'firing';
