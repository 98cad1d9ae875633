-- Review integrity (issue 11). Touches only what the review screens write.
--
-- 1. Per red flag and side, whether the expected action was taken or proposed, next to
--    whether the flag was recognised (one character per red flag: '1' acted on, '0' not).
--    Events written before this migration carry '' (not answered).
ALTER TABLE case_verdict_events ADD COLUMN acted_on_left TEXT NOT NULL DEFAULT ''
    CHECK (trim(acted_on_left, '01') = '');
ALTER TABLE case_verdict_events ADD COLUMN acted_on_right TEXT NOT NULL DEFAULT ''
    CHECK (trim(acted_on_right, '01') = '');

-- 2. Each reviewer's changes to an item, in the order they were made, across step and case
--    verdicts and across sessions, so that undo works from the store (also after a restart).
--    A change points at the one verdict event it wrote; an undo also names the change it undid.
CREATE TABLE review_changes (
    id             INTEGER PRIMARY KEY,
    item_id        INTEGER NOT NULL REFERENCES items(id),
    reviewer       TEXT NOT NULL,
    step_event_id  INTEGER REFERENCES step_verdict_events(id),
    case_event_id  INTEGER REFERENCES case_verdict_events(id),
    undoes_id      INTEGER REFERENCES review_changes(id),
    CHECK ((step_event_id IS NULL) <> (case_event_id IS NULL)),
    FOREIGN KEY (item_id, reviewer) REFERENCES assignments(item_id, reviewer)
);
CREATE INDEX review_changes_by_item ON review_changes(item_id, reviewer, id);

CREATE TRIGGER review_changes_no_update BEFORE UPDATE ON review_changes
BEGIN SELECT RAISE(ABORT, 'the review change log is append-only'); END;
CREATE TRIGGER review_changes_no_delete BEFORE DELETE ON review_changes
BEGIN SELECT RAISE(ABORT, 'the review change log is append-only'); END;
