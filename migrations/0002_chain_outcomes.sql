-- Answer outcomes, conflicts, truncation facts and step granularity on chains
-- (stripper strip-4), and the equal-steps setting of a study. Chains made
-- before this migration keep NULL in the new chain columns: their outcome is
-- read from `answer` and `truncated`, their sentence count is unknown.
-- ADD COLUMN does not fire the immutability triggers; rows are never updated.

ALTER TABLE chains ADD COLUMN outcome TEXT
    CHECK (outcome IS NULL OR outcome IN ('given','none','truncated'));
ALTER TABLE chains ADD COLUMN conflict INTEGER
    CHECK (conflict IS NULL OR conflict IN (0,1));
-- How many sentence-steps went into the chain's steps.
ALTER TABLE chains ADD COLUMN sentences INTEGER
    CHECK (sentences IS NULL OR sentences >= 0);

-- `study create --equal-steps`: both chains of an item re-segmented to a common step count.
ALTER TABLE studies ADD COLUMN equal_steps INTEGER NOT NULL DEFAULT 0
    CHECK (equal_steps IN (0,1));
