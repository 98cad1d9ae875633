-- blindstep schema, version 1 (SPEC §3, §9). A shipped migration is never edited.
-- Pragmas are set at open, never here. Enum columns carry CHECK constraints that
-- list exactly the text forms in src/domain/enums.rs.

CREATE TABLE cases (
    id            TEXT PRIMARY KEY NOT NULL,
    title         TEXT NOT NULL,
    specialty     TEXT NOT NULL CHECK (specialty IN
                    ('internal_medicine','surgery','neurology','gynecology','pediatrics','other')),
    incidence     TEXT CHECK (incidence IS NULL OR incidence IN ('frequent','less_frequent','rare')),
    task_kind     TEXT NOT NULL CHECK (task_kind IN ('mcq','differential')),
    vignette      TEXT NOT NULL,
    question      TEXT NOT NULL,
    -- the whole case as JSON (task, red flags, must-not-miss, priority): the source of truth
    body          TEXT NOT NULL,
    source        TEXT NOT NULL,
    licence       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    imported_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

CREATE TABLE models (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('student','teacher','base','other')),
    source_kind    TEXT NOT NULL CHECK (source_kind IN ('outputs_only','local','endpoint')),
    location       TEXT,
    tokenizer      TEXT,
    chat_template  TEXT,
    label          TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    CHECK ((source_kind = 'outputs_only') = (location IS NULL))
);

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id),
    model_id      INTEGER NOT NULL REFERENCES models(id),
    output        TEXT NOT NULL,
    reasoning     TEXT,
    -- provenance as JSON (origin, sampling, device, timings, token counts, ...)
    provenance    TEXT NOT NULL,
    -- identifies generation settings, so re-running skips what is done
    settings_key  TEXT,
    content_hash  TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    UNIQUE (model_id, case_id, content_hash)
);
CREATE INDEX runs_by_case ON runs(case_id, model_id);

CREATE TRIGGER runs_are_immutable BEFORE UPDATE ON runs
BEGIN SELECT RAISE(ABORT, 'runs are immutable'); END;

CREATE TABLE chains (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES runs(id),
    stripper_version  TEXT NOT NULL,
    answer            TEXT,            -- FinalAnswer as JSON, or NULL
    truncated         INTEGER NOT NULL CHECK (truncated IN (0,1)),
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    UNIQUE (run_id, stripper_version)
);

CREATE TRIGGER chains_are_immutable BEFORE UPDATE ON chains
BEGIN SELECT RAISE(ABORT, 'chains are immutable; re-stripping makes a new chain'); END;

CREATE TABLE steps (
    chain_id    INTEGER NOT NULL REFERENCES chains(id),
    idx         INTEGER NOT NULL CHECK (idx >= 0),
    text        TEXT NOT NULL,
    spans       TEXT NOT NULL,         -- JSON array of {field,start,end}
    duplicates  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (chain_id, idx)
) WITHOUT ROWID;

CREATE TRIGGER steps_are_immutable BEFORE UPDATE ON steps
BEGIN SELECT RAISE(ABORT, 'steps are immutable'); END;

CREATE TABLE studies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    model_a     INTEGER NOT NULL REFERENCES models(id),
    model_b     INTEGER NOT NULL REFERENCES models(id),
    seed        INTEGER NOT NULL,
    overlap     INTEGER NOT NULL CHECK (overlap >= 1),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    CHECK (model_a <> model_b)
);

CREATE TABLE study_reviewers (
    study_id  INTEGER NOT NULL REFERENCES studies(id),
    reviewer  TEXT NOT NULL CHECK (length(reviewer) > 0),
    PRIMARY KEY (study_id, reviewer)
) WITHOUT ROWID;

CREATE TABLE items (
    id        INTEGER PRIMARY KEY,
    study_id  INTEGER NOT NULL REFERENCES studies(id),
    case_id   TEXT NOT NULL REFERENCES cases(id),
    chain_a   INTEGER NOT NULL REFERENCES chains(id),
    chain_b   INTEGER NOT NULL REFERENCES chains(id),
    UNIQUE (study_id, case_id)
);

CREATE TABLE assignments (
    item_id   INTEGER NOT NULL REFERENCES items(id),
    reviewer  TEXT NOT NULL,
    position  INTEGER NOT NULL CHECK (position >= 0),
    a_side    TEXT NOT NULL CHECK (a_side IN ('left','right')),
    PRIMARY KEY (item_id, reviewer)
) WITHOUT ROWID;
CREATE INDEX assignments_by_reviewer ON assignments(reviewer, position);

-- The audit trail of study-level events: created, unblinded, exported.
CREATE TABLE study_events (
    id          INTEGER PRIMARY KEY,
    study_id    INTEGER NOT NULL REFERENCES studies(id),
    kind        TEXT NOT NULL CHECK (kind IN ('created','unblinded','exported')),
    actor       TEXT NOT NULL,
    detail      TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE UNIQUE INDEX one_unblinding ON study_events(study_id) WHERE kind = 'unblinded';

-- Append-only verdict events: every change is a new row carrying the full new state.
CREATE TABLE step_verdict_events (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items(id),
    reviewer     TEXT NOT NULL,
    side         TEXT NOT NULL CHECK (side IN ('left','right')),
    chain_id     INTEGER NOT NULL REFERENCES chains(id),
    step_idx     INTEGER NOT NULL,
    label        TEXT CHECK (label IS NULL OR label IN ('sound','neutral','error','abstain')),
    severity     TEXT CHECK (severity IS NULL OR severity IN ('minor','major','harmful')),
    -- ';'-joined subset of drift, red_flag, priority, other
    tags         TEXT NOT NULL DEFAULT '' CHECK (trim(replace(replace(replace(replace(
                    tags, 'red_flag', ''), 'drift', ''), 'priority', ''), 'other', ''), ';') = ''),
    note         TEXT,
    bad_split    INTEGER NOT NULL DEFAULT 0 CHECK (bad_split IN (0,1)),
    ms_spent     INTEGER NOT NULL DEFAULT 0 CHECK (ms_spent >= 0),
    previous_id  INTEGER REFERENCES step_verdict_events(id),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    FOREIGN KEY (chain_id, step_idx) REFERENCES steps(chain_id, idx),
    FOREIGN KEY (item_id, reviewer) REFERENCES assignments(item_id, reviewer)
);
CREATE INDEX step_events_by_step ON step_verdict_events(item_id, reviewer, side, step_idx, id);

CREATE TABLE case_verdict_events (
    id                    INTEGER PRIMARY KEY,
    item_id               INTEGER NOT NULL REFERENCES items(id),
    reviewer              TEXT NOT NULL,
    answer_correct_left   INTEGER CHECK (answer_correct_left IS NULL OR answer_correct_left IN (0,1)),
    answer_correct_right  INTEGER CHECK (answer_correct_right IS NULL OR answer_correct_right IN (0,1)),
    -- one character per red flag of the case: '1' recognised, '0' not
    red_flags_left        TEXT NOT NULL DEFAULT '' CHECK (trim(red_flags_left, '01') = ''),
    red_flags_right       TEXT NOT NULL DEFAULT '' CHECK (trim(red_flags_right, '01') = ''),
    preferred             TEXT CHECK (preferred IS NULL OR preferred IN ('left','right','tie')),
    student_guess         TEXT CHECK (student_guess IS NULL OR student_guess IN ('left','right')),
    confidence            INTEGER CHECK (confidence IS NULL OR confidence BETWEEN 1 AND 5),
    ms_spent              INTEGER NOT NULL DEFAULT 0 CHECK (ms_spent >= 0),
    previous_id           INTEGER REFERENCES case_verdict_events(id),
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    FOREIGN KEY (item_id, reviewer) REFERENCES assignments(item_id, reviewer)
);
CREATE INDEX case_events_by_item ON case_verdict_events(item_id, reviewer, id);

CREATE TRIGGER step_verdicts_no_update BEFORE UPDATE ON step_verdict_events
BEGIN SELECT RAISE(ABORT, 'verdict events are append-only'); END;
CREATE TRIGGER step_verdicts_no_delete BEFORE DELETE ON step_verdict_events
BEGIN SELECT RAISE(ABORT, 'verdict events are append-only'); END;
CREATE TRIGGER case_verdicts_no_update BEFORE UPDATE ON case_verdict_events
BEGIN SELECT RAISE(ABORT, 'verdict events are append-only'); END;
CREATE TRIGGER case_verdicts_no_delete BEFORE DELETE ON case_verdict_events
BEGIN SELECT RAISE(ABORT, 'verdict events are append-only'); END;
CREATE TRIGGER study_events_no_update BEFORE UPDATE ON study_events
BEGIN SELECT RAISE(ABORT, 'the study audit trail is append-only'); END;
CREATE TRIGGER study_events_no_delete BEFORE DELETE ON study_events
BEGIN SELECT RAISE(ABORT, 'the study audit trail is append-only'); END;
CREATE TRIGGER assignments_no_update BEFORE UPDATE ON assignments
BEGIN SELECT RAISE(ABORT, 'assignments are fixed at study creation'); END;
CREATE TRIGGER items_no_update BEFORE UPDATE ON items
BEGIN SELECT RAISE(ABORT, 'items are fixed at study creation'); END;

-- Current verdicts are derived: the latest event per (item, reviewer, side, step).
CREATE VIEW current_step_verdicts AS
SELECT e.* FROM step_verdict_events e
JOIN (SELECT max(id) AS id FROM step_verdict_events
      GROUP BY item_id, reviewer, side, step_idx) latest USING (id);

CREATE VIEW current_case_verdicts AS
SELECT e.* FROM case_verdict_events e
JOIN (SELECT max(id) AS id FROM case_verdict_events
      GROUP BY item_id, reviewer) latest USING (id);

-- Where each reviewer was (UI state, not a verdict: the one table that is updated).
CREATE TABLE review_cursors (
    study_id    INTEGER NOT NULL REFERENCES studies(id),
    reviewer    TEXT NOT NULL,
    item_id     INTEGER REFERENCES items(id),
    side        TEXT NOT NULL CHECK (side IN ('left','right')),
    step_idx    INTEGER NOT NULL CHECK (step_idx >= 0),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (study_id, reviewer)
) WITHOUT ROWID;
