-- Adjudication of "red flag acted on" (issue 16): the outcome key `acted_on:<n>` joins
-- `red_flag:<n>` (recognised). SQLite cannot change a CHECK in place, so the table is
-- rebuilt with its rows and ids, and its index and append-only triggers are recreated as
-- they were.
CREATE TABLE adjudication_events_new (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items(id),
    chain_id     INTEGER NOT NULL REFERENCES chains(id),
    adjudicator  TEXT NOT NULL CHECK (length(adjudicator) > 0),
    -- answer_correct | chain_error | mode:<mode> | red_flag:<n> | acted_on:<n>
    outcome      TEXT NOT NULL CHECK (outcome IN ('answer_correct','chain_error')
                    OR outcome GLOB 'mode:*' OR outcome GLOB 'red_flag:[0-9]*'
                    OR outcome GLOB 'acted_on:[0-9]*'),
    value        INTEGER NOT NULL CHECK (value IN (0,1)),
    note         TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
INSERT INTO adjudication_events_new (id, item_id, chain_id, adjudicator, outcome, value, note, created_at)
    SELECT id, item_id, chain_id, adjudicator, outcome, value, note, created_at FROM adjudication_events;
DROP TRIGGER adjudications_not_by_a_reviewer;
DROP TRIGGER adjudications_own_chain;
DROP TRIGGER adjudications_no_update;
DROP TRIGGER adjudications_no_delete;
DROP INDEX adjudications_by_item;
DROP TABLE adjudication_events;
ALTER TABLE adjudication_events_new RENAME TO adjudication_events;
CREATE INDEX adjudications_by_item ON adjudication_events(item_id, chain_id, outcome, id);
CREATE TRIGGER adjudications_not_by_a_reviewer BEFORE INSERT ON adjudication_events
WHEN EXISTS (SELECT 1 FROM assignments a
             WHERE a.item_id = NEW.item_id AND a.reviewer = NEW.adjudicator)
BEGIN SELECT RAISE(ABORT, 'an adjudicator may not be one of the item''s reviewers'); END;
CREATE TRIGGER adjudications_own_chain BEFORE INSERT ON adjudication_events
WHEN NOT EXISTS (SELECT 1 FROM items i WHERE i.id = NEW.item_id
                 AND NEW.chain_id IN (i.chain_a, i.chain_b))
BEGIN SELECT RAISE(ABORT, 'the adjudicated chain is not one of the item''s chains'); END;
CREATE TRIGGER adjudications_no_update BEFORE UPDATE ON adjudication_events
BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
CREATE TRIGGER adjudications_no_delete BEFORE DELETE ON adjudication_events
BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
