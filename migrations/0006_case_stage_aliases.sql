-- Case aliases (issue 15): other names of a stored case, e.g. the id a case
-- had before the library gave its cases opaque ids. Every lookup by case id
-- (runs import, generate --cases, study --cases, cases show) resolves a name
-- here when no case row has it as its id. Runs and items keep pointing at the
-- row they were made for: rows are never renamed under their runs.
-- The stage (presentation / investigated) and variant_of live in the case body.
CREATE TABLE case_aliases (
    alias    TEXT PRIMARY KEY NOT NULL CHECK (length(alias) > 0),
    case_id  TEXT NOT NULL REFERENCES cases(id)
) WITHOUT ROWID;
CREATE INDEX case_aliases_by_case ON case_aliases(case_id);
