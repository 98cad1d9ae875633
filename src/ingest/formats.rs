//! The input formats by name: which record shape a question bank is read as
//! ([`QuestionFormat`]) and which shape a model-output file is read as ([`RunFormat`]).
//! Plain names; the readers and the `--format auto` detection use them.

/// Which record shape to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionFormat {
    /// `question`, `options` {A..E}, `answer_idx`, `meta_info`, optional `realidx`.
    MedQa,
    /// `question`, `opa`..`opd`, `cop` (1-based), `subject_name`, `id`; or the
    /// MedAgentsBench copy with `options` + `answer_idx` + `realidx`.
    MedMcqa,
    /// MedAgentsBench output files: the questions of a trace file.
    MedAgents,
    /// blindstep case JSONL: one case per line, the same fields as a case file.
    Blindstep,
    /// AgentClinic OSCE cases (`OSCE_Examination`): differential tasks.
    AgentClinicOsce,
    /// AgentClinic NEJM Image Challenge cases (`question`, `answers`): MCQs.
    AgentClinicNejm,
}

/// Which model-output shape to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunFormat {
    Auto,
    /// blindstep run JSONL (SPEC §7).
    Jsonl,
    /// MedAgentsBench output arrays (`realidx`, `completion`, `token_usage`), including the
    /// chain-of-thought files (`raw_response` is the chain, `thinking` a summary).
    Medagents,
    /// MedR-Bench outputs (`id`, `model`, `output.thinking_process`, `output.content`).
    Medrbench,
    /// OpenAI chat-completion responses, bare or in a batch-output wrapper.
    Openai,
}
