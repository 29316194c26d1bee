-- The phone-number and WABA indexes become partial (rows that have a phone number / a WABA id),
-- and the lookups that use them say so: a lookup by channel cannot use them, so it goes through
-- the primary key (partner_id, channel_id) whatever the statistics say. While a large first
-- poll is under way, autovacuum's ANALYZE counts its uncommitted rows as absent; to a planner
-- that believes the table empty, an index that also led with partner_id looked as cheap as the
-- key, and each lookup by channel read every row of the partner through it (a first poll of
-- 1,000,000 channels did not finish in 500 s).
DROP INDEX channel_snapshots_phone_digits;
DROP INDEX channel_snapshots_waba;
CREATE INDEX channel_snapshots_phone_digits
    ON channel_snapshots (partner_id, regexp_replace(document->'setup_info'->>'phone_number', '\D', '', 'g'))
    WHERE regexp_replace(document->'setup_info'->>'phone_number', '\D', '', 'g') IS NOT NULL;
CREATE INDEX channel_snapshots_waba ON channel_snapshots (partner_id, (document->'waba_account'->>'id'))
    WHERE (document->'waba_account'->>'id') IS NOT NULL;
