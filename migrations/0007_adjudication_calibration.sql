-- blindstep schema: analysis plans, adjudications and option probabilities (issue 16).
-- Independent of other migrations: only new tables.

-- The analysis plan fixed at `study create` and every later change (append-only; the latest
-- row is the plan in force). `after_unblinding` marks a change made once model identity was
-- known, which the tally and the methods paragraph show.
CREATE TABLE study_plans (
    id                INTEGER PRIMARY KEY,
    study_id          INTEGER NOT NULL REFERENCES studies(id),
    ties              TEXT NOT NULL CHECK (ties IN ('exclude','any','majority-else-exclude')),
    alpha             REAL NOT NULL CHECK (alpha > 0 AND alpha < 1),
    -- ';'-joined outcome names
    primary_outcomes  TEXT NOT NULL CHECK (length(primary_outcomes) > 0),
    actor             TEXT NOT NULL,
    reason            TEXT,
    after_unblinding  INTEGER NOT NULL CHECK (after_unblinding IN (0,1)),
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX study_plans_by_study ON study_plans(study_id, id);
CREATE TRIGGER study_plans_no_update BEFORE UPDATE ON study_plans
BEGIN SELECT RAISE(ABORT, 'analysis plans are append-only'); END;
CREATE TRIGGER study_plans_no_delete BEFORE DELETE ON study_plans
BEGIN SELECT RAISE(ABORT, 'analysis plans are append-only'); END;

-- An adjudicator's decision on one disputed binary outcome of one chain of one item.
-- The adjudicator is never one of the item's reviewers. Append-only; the latest row per
-- (item, chain, outcome) is current.
CREATE TABLE adjudication_events (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items(id),
    chain_id     INTEGER NOT NULL REFERENCES chains(id),
    adjudicator  TEXT NOT NULL CHECK (length(adjudicator) > 0),
    -- answer_correct | chain_error | mode:<mode> | red_flag:<n>
    outcome      TEXT NOT NULL CHECK (outcome IN ('answer_correct','chain_error')
                    OR outcome GLOB 'mode:*' OR outcome GLOB 'red_flag:[0-9]*'),
    value        INTEGER NOT NULL CHECK (value IN (0,1)),
    note         TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
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

-- The probability a run's model gives each MCQ option letter after its own output and
-- "Final answer:" (a local scoring pass, or endpoint logprobs). One row per run and method.
CREATE TABLE run_option_probabilities (
    run_id         INTEGER NOT NULL REFERENCES runs(id),
    -- 'candle_scoring_pass' | 'endpoint_logprobs'
    method         TEXT NOT NULL CHECK (method IN ('candle_scoring_pass','endpoint_logprobs')),
    -- JSON object letter -> probability, renormalised over the options
    probabilities  TEXT NOT NULL,
    -- probability mass the options had before renormalising
    option_mass    REAL NOT NULL CHECK (option_mass >= 0 AND option_mass <= 1.000001),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (run_id, method)
) WITHOUT ROWID;
