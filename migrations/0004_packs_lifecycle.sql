-- blindstep schema: reviewer packs and the study lifecycle (issue 12).
--
-- 1. The audit trail gains the kinds `reopened` (verdicts allowed again after unblinding),
--    `assigned` (a reviewer added, or a dropped reviewer's unstarted items moved), `packed`
--    and `collected` (reviewer packs), and records the operating-system user and host of the
--    process. SQLite cannot alter a CHECK constraint, so the table is rebuilt: created new,
--    rows copied with their ids, old dropped, new renamed; its index and triggers re-made.
--    Nothing references study_events, so foreign keys are not involved.
CREATE TABLE study_events_v4 (
    id          INTEGER PRIMARY KEY,
    study_id    INTEGER NOT NULL REFERENCES studies(id),
    kind        TEXT NOT NULL CHECK (kind IN
                  ('created','unblinded','exported','reopened','assigned','packed','collected')),
    actor       TEXT NOT NULL,
    detail      TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    -- who the process ran as, and where (NULL for events older than this migration)
    os_user     TEXT,
    host        TEXT
);
INSERT INTO study_events_v4 (id, study_id, kind, actor, detail, created_at)
    SELECT id, study_id, kind, actor, detail, created_at FROM study_events ORDER BY id;
DROP TABLE study_events;
ALTER TABLE study_events_v4 RENAME TO study_events;
CREATE UNIQUE INDEX one_unblinding ON study_events(study_id) WHERE kind = 'unblinded';
CREATE INDEX study_events_by_kind ON study_events(study_id, kind, id);
CREATE TRIGGER study_events_no_update BEFORE UPDATE ON study_events
BEGIN SELECT RAISE(ABORT, 'the study audit trail is append-only'); END;
CREATE TRIGGER study_events_no_delete BEFORE DELETE ON study_events
BEGIN SELECT RAISE(ABORT, 'the study audit trail is append-only'); END;

-- 2. Reviewer packs made from this database. The pack file holds none of these ids: it has
--    its own, and these tables map them back.
CREATE TABLE packs (
    id            TEXT PRIMARY KEY NOT NULL,     -- random; also written in the pack
    study_id      INTEGER NOT NULL REFERENCES studies(id),
    reviewer      TEXT NOT NULL,
    -- SHA-256 of what the reviewer sees (items, cases, chains), recomputed at collection
    content_hash  TEXT NOT NULL,
    path          TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    FOREIGN KEY (study_id, reviewer) REFERENCES study_reviewers(study_id, reviewer)
);
CREATE TRIGGER packs_no_update BEFORE UPDATE ON packs
BEGIN SELECT RAISE(ABORT, 'packs are fixed when made'); END;

CREATE TABLE pack_items (
    pack_id    TEXT NOT NULL REFERENCES packs(id),
    pack_item  INTEGER NOT NULL,                 -- the item's id inside the pack
    item_id    INTEGER NOT NULL REFERENCES items(id),
    PRIMARY KEY (pack_id, pack_item)
) WITHOUT ROWID;

-- Every verdict event a pack holds that is known here: copied into it at packing, or
-- collected from it. (pack, kind, the event's id inside the pack) is the event's stable id,
-- so collecting a pack twice adds nothing.
CREATE TABLE pack_events (
    pack_id     TEXT NOT NULL REFERENCES packs(id),
    kind        TEXT NOT NULL CHECK (kind IN ('step','case')),
    pack_event  INTEGER NOT NULL,
    event_id    INTEGER NOT NULL,                -- in step_ or case_verdict_events, by kind
    origin      TEXT NOT NULL CHECK (origin IN ('packed','collected')),
    PRIMARY KEY (pack_id, kind, pack_event)
) WITHOUT ROWID;
CREATE TRIGGER pack_events_no_update BEFORE UPDATE ON pack_events
BEGIN SELECT RAISE(ABORT, 'pack events are append-only'); END;
CREATE TRIGGER pack_events_no_delete BEFORE DELETE ON pack_events
BEGIN SELECT RAISE(ABORT, 'pack events are append-only'); END;

-- One row per `study collect` of a pack.
CREATE TABLE pack_collections (
    id            INTEGER PRIMARY KEY,
    pack_id       TEXT NOT NULL REFERENCES packs(id),
    steps_added   INTEGER NOT NULL CHECK (steps_added >= 0),
    cases_added   INTEGER NOT NULL CHECK (cases_added >= 0),
    conflicts     INTEGER NOT NULL CHECK (conflicts >= 0),
    collected_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX pack_collections_by_pack ON pack_collections(pack_id, id);
