-- Treatment-planning cases (task kind `plan`) and the reviewer's rating of each side's plan.
--
-- SQLite cannot alter a CHECK constraint, so `cases` is rebuilt with `plan` added to
-- task_kind's CHECK. `runs` and `items` reference cases(id): foreign keys are deferred for
-- this transaction, so dropping the old table counts their rows as violations and copying
-- every row back into the new table clears them before commit (any row left dangling fails
-- the migration, which then changes nothing).
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE cases_0005 AS SELECT * FROM main.cases;
DROP TABLE main.cases;
CREATE TABLE main.cases (
    id            TEXT PRIMARY KEY NOT NULL,
    title         TEXT NOT NULL,
    specialty     TEXT NOT NULL CHECK (specialty IN
                    ('internal_medicine','surgery','neurology','gynecology','pediatrics','other')),
    incidence     TEXT CHECK (incidence IS NULL OR incidence IN ('frequent','less_frequent','rare')),
    task_kind     TEXT NOT NULL CHECK (task_kind IN ('mcq','differential','plan')),
    vignette      TEXT NOT NULL,
    question      TEXT NOT NULL,
    body          TEXT NOT NULL,
    source        TEXT NOT NULL,
    licence       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    imported_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
INSERT INTO main.cases (id, title, specialty, incidence, task_kind, vignette, question, body,
                        source, licence, content_hash, imported_at)
SELECT id, title, specialty, incidence, task_kind, vignette, question, body,
       source, licence, content_hash, imported_at FROM temp.cases_0005;
DROP TABLE temp.cases_0005;

-- One rating per side, NULL until the reviewer gives it (only plan cases ask for it).
ALTER TABLE case_verdict_events ADD COLUMN plan_left TEXT
    CHECK (plan_left IS NULL OR plan_left IN ('adequate','partly','inadequate'));
ALTER TABLE case_verdict_events ADD COLUMN plan_right TEXT
    CHECK (plan_right IS NULL OR plan_right IN ('adequate','partly','inadequate'));
