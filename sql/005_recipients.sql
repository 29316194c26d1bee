-- Per-client recipients: an email `to` or webhook `url` written as a template over the event.
-- Stored are only the values the template's tags rendered to (a client's address, a client id),
-- never the template's text, which may hold a credential (a webhook URL's token).

-- Per templated receiver the event's tag values, e.g. {"clients": ["ops@client.example"]};
-- a receiver missing here sends the event to its fallback_to.
ALTER TABLE events ADD COLUMN recipients jsonb;

-- The tag values of the recipient this delivery goes to; NULL for a receiver without templates
-- and for its fallback.
ALTER TABLE deliveries ADD COLUMN recipient jsonb;
