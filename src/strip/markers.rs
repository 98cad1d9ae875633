//! The documented, versioned list of style markers the stripper removes, with
//! why each goes, and [`MarkerId`], the type of their ids: one variant per
//! entry, so the stripper records no id outside this list. Changing this list
//! changes output: bump [`super::VERSION`]. Pure data; no I/O.
//!
//! Word markers are matched case-insensitively on whole words; `’` counts as
//! `'`. Contractions are expanded before word markers are matched, so the
//! patterns are written expanded ("let us", "i am").

/// Why a marker identifies a model or sways a judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Discourse fillers and connectives that open a sentence ("Okay,", "So", "Wait,").
    Filler,
    /// Thinking aloud about the task ("Let me", "I need to").
    SelfTalk,
    /// First-person framing of a claim ("I think X" → "X").
    FirstPerson,
    /// Enthusiasm and certainty adverbs used as tone ("definitely", "clearly").
    Tone,
    /// Model-specific ways of announcing the answer ("the correct answer would be").
    AnswerPhrase,
    /// Sign-offs and chat pleasantries ("Hope this helps").
    SignOff,
    /// Markdown and HTML: emphasis, headers, code, links, tags.
    Markdown,
    /// Bullets and numbering at the start of an item.
    ListMarker,
    /// Emojis and pictographs.
    Emoji,
    /// Exclamation, ellipses, dashes: punctuation habits that differ by model.
    Punctuation,
    /// Curly quotes and quotation marks around a word or two.
    Quote,
    /// Contractions ("isn't" → "is not"), which some models use and others avoid.
    Contraction,
    /// Repeated spaces, tabs, non-breaking and zero-width spaces.
    Whitespace,
}

/// How a marker is matched and removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Removed at the start of a sentence (after earlier leading markers),
    /// with the punctuation that follows it.
    Lead,
    /// Removed at the start of a sentence only when a comma follows; without
    /// one the word may carry content ("Then the fever rose").
    LeadComma,
    /// Removed at the start of a sentence unless the next word is listed.
    LeadUnless(&'static [&'static str]),
    /// Removed at the start of a sentence when the next word ends in `-ing`.
    LeadBeforeGerund,
    /// Replaced at the start of a sentence.
    LeadReplace(&'static str),
    /// Replaced at the start of a sentence only when a comma closes the clause
    /// it opens within twelve words ("Considering the age, X" → "Given the
    /// age, X", but not "Considering surgery is reasonable").
    LeadReplaceClause(&'static str),
    /// Removed at the start of a sentence with the short clause it opens, up
    /// to a comma or colon within eight words ("Looking at the results, X" → "X").
    LeadClause,
    /// Removed anywhere, as a whole word or phrase, except right after a
    /// negation ("not clearly" keeps its adverb: removing it would change the claim).
    Word,
    /// Replaced anywhere, as a whole word or phrase.
    Replace(&'static str),
    /// The whole sentence goes (sign-offs carry no claim).
    Sentence,
    /// A character or markup pattern handled by the markup cleaner; the
    /// pattern names it.
    Markup,
}

/// One removed style marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StyleMarker {
    /// Stable identifier (used in `removed` lists and metrics).
    pub id: MarkerId,
    /// The phrase (lowercase, expanded) or the markup it names.
    pub pattern: &'static str,
    pub category: Category,
    pub rule: Rule,
    /// Why it is removed.
    pub why: &'static str,
}

/// The table, one line per marker: `id: pattern, category, rule, why;`.
/// Makes [`MARKERS`] and [`MarkerId`] (one variant per line, named as the
/// line's id, in table order), so an id the stripper records is always one
/// of the table's.
macro_rules! marker_table {
    ($($id:ident : $pattern:expr, $category:expr, $rule:expr, $why:expr;)*) => {
        /// The id of a style marker: one variant per entry of [`MARKERS`],
        /// named as its documented id (`MarkerId::filler_okay` is
        /// `"filler_okay"`). The stripper records only these.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MarkerId {
            $($id),*
        }

        impl MarkerId {
            /// Every id, in table order.
            pub const ALL: &'static [MarkerId] = &[$(MarkerId::$id),*];

            /// The documented id.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(MarkerId::$id => stringify!($id)),*
                }
            }
        }

        /// The removed markers, in matching order (longer phrases first).
        pub static MARKERS: &[StyleMarker] = &[
            $(StyleMarker {
                id: MarkerId::$id,
                pattern: $pattern,
                category: $category,
                rule: $rule,
                why: $why,
            }),*
        ];
    };
}

impl MarkerId {
    /// The table entry of this id.
    pub fn marker(self) -> &'static StyleMarker {
        &MARKERS[self as usize]
    }
}

impl std::fmt::Display for MarkerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

use Category as C;
use Rule as R;

const FILLER: &str = "discourse filler: carries no claim and its frequency identifies the model";
const CONNECTIVE: &str = "sentence-opening connective: R1/QwQ habit ('So', 'Therefore,'); the \
    step order already carries the sequence";
const SELF_TALK: &str = "thinking aloud about the task; the rest of the sentence is kept as an \
    imperative or dropped when it has no clinical content";
const FIRST_PERSON: &str = "first-person framing: the claim is kept, the framing identifies \
    thinking models and changes how a judge weighs the claim";
const TONE: &str = "tone adverb: adds certainty or enthusiasm, not content; kept after a negation";
const ANSWER: &str = "model-specific answer announcement; normalised so both sides say 'the \
    answer is'";
const GIVEN: &str = "sentence-opening framing of the premises ('Considering X,', 'Based on X,'); \
    one canonical form, 'Given X,', and only when a comma closes the clause";
const SIGN_OFF: &str = "chat sign-off: no clinical claim";
const MARKDOWN: &str = "markdown/HTML layout differs by model and API; text is kept";
const LIST: &str = "list numbering and bullets; steps are numbered by the tool";

// The removed markers, in matching order (longer phrases first).
marker_table! {
    // Sign-offs.
    signoff_hope: "hope this helps", C::SignOff, R::Sentence, SIGN_OFF;
    signoff_let_know: "let me know if", C::SignOff, R::Sentence, SIGN_OFF;
    signoff_feel_free: "feel free to", C::SignOff, R::Sentence, SIGN_OFF;
    signoff_good_luck: "good luck", C::SignOff, R::Sentence, SIGN_OFF;
    signoff_happy_help: "happy to help", C::SignOff, R::Sentence, SIGN_OFF;
    signoff_questions: "any other questions", C::SignOff, R::Sentence, SIGN_OFF;
    // Fillers and connectives at the start of a sentence.
    filler_okay: "okay", C::Filler, R::Lead, FILLER;
    filler_ok: "ok", C::Filler, R::Lead, FILLER;
    filler_alright: "alright", C::Filler, R::Lead, FILLER;
    filler_all_right: "all right", C::Filler, R::LeadComma, FILLER;
    filler_hmm: "hmm", C::Filler, R::Lead, FILLER;
    filler_hm: "hm", C::Filler, R::Lead, FILLER;
    filler_um: "um", C::Filler, R::Lead, FILLER;
    filler_uh: "uh", C::Filler, R::Lead, FILLER;
    filler_oh: "oh", C::Filler, R::Lead, FILLER;
    filler_ah: "ah", C::Filler, R::Lead, FILLER;
    filler_aha: "aha", C::Filler, R::Lead, FILLER;
    filler_well: "well", C::Filler, R::LeadComma, FILLER;
    filler_but_wait: "but wait", C::Filler, R::Lead, FILLER;
    filler_wait: "wait", C::Filler, R::Lead, FILLER;
    filler_no: "no", C::Filler, R::LeadComma, FILLER;
    filler_right: "right", C::Filler, R::LeadComma, FILLER;
    filler_yeah: "yeah", C::Filler, R::Lead, FILLER;
    filler_anyway: "anyway", C::Filler, R::Lead, FILLER;
    filler_now: "now", C::Filler, R::LeadComma, CONNECTIVE;
    filler_so: "so", C::Filler, R::LeadUnless(&["far", "called", "much", "many", "long", "few", "little"]), CONNECTIVE;
    filler_therefore: "therefore", C::Filler, R::Lead, CONNECTIVE;
    filler_thus: "thus", C::Filler, R::Lead, CONNECTIVE;
    filler_hence: "hence", C::Filler, R::Lead, CONNECTIVE;
    filler_alternatively: "alternatively", C::Filler, R::Lead, CONNECTIVE;
    filler_also: "also", C::Filler, R::LeadComma, CONNECTIVE;
    filler_additionally: "additionally", C::Filler, R::Lead, CONNECTIVE;
    filler_moreover: "moreover", C::Filler, R::Lead, CONNECTIVE;
    filler_furthermore: "furthermore", C::Filler, R::Lead, CONNECTIVE;
    filler_then: "then", C::Filler, R::LeadComma, CONNECTIVE;
    filler_first: "first", C::Filler, R::LeadComma, CONNECTIVE;
    filler_firstly: "firstly", C::Filler, R::Lead, CONNECTIVE;
    filler_second: "second", C::Filler, R::LeadComma, CONNECTIVE;
    filler_secondly: "secondly", C::Filler, R::Lead, CONNECTIVE;
    filler_third: "third", C::Filler, R::LeadComma, CONNECTIVE;
    filler_next: "next", C::Filler, R::LeadComma, CONNECTIVE;
    filler_finally: "finally", C::Filler, R::LeadComma, CONNECTIVE;
    filler_lastly: "lastly", C::Filler, R::Lead, CONNECTIVE;
    filler_again: "again", C::Filler, R::LeadComma, CONNECTIVE;
    filler_overall: "overall", C::Filler, R::LeadComma, CONNECTIVE;
    filler_in_conclusion: "in conclusion", C::Filler, R::Lead, CONNECTIVE;
    filler_in_summary: "in summary", C::Filler, R::Lead, CONNECTIVE;
    filler_to_summarize: "to summarize", C::Filler, R::Lead, CONNECTIVE;
    filler_to_sum_up: "to sum up", C::Filler, R::Lead, CONNECTIVE;
    filler_all_in_all: "all in all", C::Filler, R::Lead, CONNECTIVE;
    filler_putting_together: "putting it all together", C::Filler, R::Lead, CONNECTIVE;
    filler_putting_this: "putting this together", C::Filler, R::Lead, CONNECTIVE;
    filler_looking_back: "looking back", C::Filler, R::LeadClause, CONNECTIVE;
    filler_looking_at: "looking at", C::Filler, R::LeadClause, CONNECTIVE;
    filler_that_said: "that said", C::Filler, R::Lead, CONNECTIVE;
    filler_having_said: "having said that", C::Filler, R::Lead, CONNECTIVE;
    // Connective synonyms (strip-2): one canonical form per function, so the
    // choice between synonyms stops naming the model. Measured on the fixture
    // traces: R1 opens 9 of 202 steps with "But" where QwQ opens 2 of 150;
    // o3-mini opens with "Considering"/"Based on" where R1 writes "Given".
    connective_but: "but", C::Filler, R::LeadReplace("however,"), "sentence-opening 'But' vs 'However,' is a model habit; the contrast is kept as 'However,'";
    connective_considering: "considering", C::Filler, R::LeadReplaceClause("given"), GIVEN;
    connective_based_on: "based on", C::Filler, R::LeadReplaceClause("given"), GIVEN;
    connective_in_light_of: "in light of", C::Filler, R::LeadReplaceClause("given"), GIVEN;
    connective_in_view_of: "in view of", C::Filler, R::LeadReplaceClause("given"), GIVEN;
    // Self-talk: the plan or imperative that follows is kept.
    self_let_us: "let us", C::SelfTalk, R::Lead, SELF_TALK;
    self_let_me: "let me", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_will_need_to: "i will need to", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_also_need_to: "i also need to", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_need_to: "i need to", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_should: "i should", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_have_to: "i have to", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_must: "i must", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_want_to: "i want to", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_am_going_to: "i am going to", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_am_trying_to: "i am trying to", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_will: "i will", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_would: "i would", C::SelfTalk, R::LeadUnless(&["say"]), SELF_TALK;
    self_i_can: "i can", C::SelfTalk, R::Lead, SELF_TALK;
    self_we_need_to: "we need to", C::SelfTalk, R::Lead, SELF_TALK;
    self_we_should: "we should", C::SelfTalk, R::Lead, SELF_TALK;
    self_we_have_to: "we have to", C::SelfTalk, R::Lead, SELF_TALK;
    self_we_can: "we can", C::SelfTalk, R::Lead, SELF_TALK;
    self_i_am_gerund: "i am", C::SelfTalk, R::LeadBeforeGerund, SELF_TALK;
    self_i_have_been: "i have been", C::SelfTalk, R::LeadBeforeGerund, SELF_TALK;
    self_user_asking: "the user is asking", C::SelfTalk, R::LeadReplace("the question is"), "the 'user' framing is a chat-model habit; both sides say 'the question is'";
    self_question_asking: "the question is asking", C::SelfTalk, R::LeadReplace("the question is"), "chat-model framing of the task";
    self_not_sure: "i am not sure", C::FirstPerson, R::LeadReplace("it is not certain"), "first-person doubt restated impersonally; the negation is kept";
    // First-person framing anywhere.
    fp_i_think_that: "i think that", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_think: "i think", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_believe_that: "i believe that", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_believe: "i believe", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_recall_that: "i recall that", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_recall: "i recall", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_remember_that: "i remember that", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_remember: "i remember", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_know_that: "i know that", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_guess: "i guess", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_suspect: "i suspect", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_suppose: "i suppose", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_feel_like: "i feel like", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_would_say: "i would say", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_am_pretty_sure: "i am pretty sure", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_i_am_fairly_sure: "i am fairly sure", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_if_i_remember: "if i remember correctly", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_if_i_recall: "if i recall correctly", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_from_what_i_remember: "from what i remember", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_from_what_i_recall: "from what i recall", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_as_i_recall: "as i recall", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_as_far_as_i_know: "as far as i know", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_in_my_opinion: "in my opinion", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_in_my_view: "in my view", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_my_first_thought: "my first thought is that", C::FirstPerson, R::Word, FIRST_PERSON;
    fp_to_be_honest: "to be honest", C::FirstPerson, R::Word, FIRST_PERSON;
    // Tone adverbs anywhere.
    tone_definitely: "definitely", C::Tone, R::Word, TONE;
    tone_certainly: "certainly", C::Tone, R::Word, TONE;
    tone_clearly: "clearly", C::Tone, R::Word, TONE;
    tone_obviously: "obviously", C::Tone, R::Word, TONE;
    tone_really: "really", C::Tone, R::Word, TONE;
    tone_super: "super", C::Tone, R::Word, TONE;
    tone_absolutely: "absolutely", C::Tone, R::Word, TONE;
    tone_basically: "basically", C::Tone, R::Word, TONE;
    tone_essentially: "essentially", C::Tone, R::Word, TONE;
    tone_actually: "actually", C::Tone, R::Word, TONE;
    tone_simply: "simply", C::Tone, R::Word, TONE;
    tone_indeed: "indeed", C::Tone, R::Word, TONE;
    tone_truly: "truly", C::Tone, R::Word, TONE;
    tone_honestly: "honestly", C::Tone, R::Word, TONE;
    tone_literally: "literally", C::Tone, R::Word, TONE;
    tone_totally: "totally", C::Tone, R::Word, TONE;
    tone_undoubtedly: "undoubtedly", C::Tone, R::Word, TONE;
    tone_surely: "surely", C::Tone, R::Word, TONE;
    tone_of_course: "of course", C::Tone, R::Word, TONE;
    tone_for_sure: "for sure", C::Tone, R::Word, TONE;
    // strip-2: emphasis adverbs QwQ and o3-mini use and R1 does not (measured
    // on the fixture traces); "especially" keeps its meaning as "particularly".
    tone_specifically: "specifically", C::Tone, R::Word, TONE;
    tone_especially: "especially", C::Tone, R::Replace("particularly"), "'especially' vs 'particularly' is a model habit; one form is kept";
    // Answer announcements.
    answer_correct: "the correct answer", C::AnswerPhrase, R::Replace("the answer"), ANSWER;
    answer_right: "the right answer", C::AnswerPhrase, R::Replace("the answer"), ANSWER;
    answer_final: "the final answer", C::AnswerPhrase, R::Replace("the answer"), ANSWER;
    answer_best: "the best answer", C::AnswerPhrase, R::Replace("the answer"), ANSWER;
    answer_would_be: "answer would be", C::AnswerPhrase, R::Replace("answer is"), ANSWER;
    answer_should_be: "answer should be", C::AnswerPhrase, R::Replace("answer is"), ANSWER;
    answer_must_be: "answer must be", C::AnswerPhrase, R::Replace("answer is"), ANSWER;
    answer_will_be: "answer will be", C::AnswerPhrase, R::Replace("answer is"), ANSWER;
    answer_has_to_be: "answer has to be", C::AnswerPhrase, R::Replace("answer is"), ANSWER;
    // Markup, characters, quotes, contractions, whitespace.
    md_bold: "**", C::Markdown, R::Markup, MARKDOWN;
    md_bold_underscore: "__", C::Markdown, R::Markup, MARKDOWN;
    md_emphasis: "* or _ around words", C::Markdown, R::Markup, MARKDOWN;
    md_code: "`", C::Markdown, R::Markup, MARKDOWN;
    md_header: "# at the start of a line", C::Markdown, R::Markup, MARKDOWN;
    md_blockquote: "> at the start of a line", C::Markdown, R::Markup, MARKDOWN;
    md_link: "[text](url)", C::Markdown, R::Markup, MARKDOWN;
    md_rule: "---, ***, ___ lines", C::Markdown, R::Markup, MARKDOWN;
    md_table: "| table cells", C::Markdown, R::Markup, MARKDOWN;
    md_latex_boxed: "\\boxed{…}", C::Markdown, R::Markup, MARKDOWN;
    html_tag: "<think>, </think>, <step n>, <br>, <b>, <i> …", C::Markdown, R::Markup, MARKDOWN;
    list_bullet: "- * + • at the start of an item", C::ListMarker, R::Markup, LIST;
    list_number: "1. 1) (1) a) A. Step 1: at the start of an item", C::ListMarker, R::Markup, LIST;
    title: "a bold or header line, or a short 'Label:' opening an item, with no clinical token", C::Markdown, R::Markup, "step titles are layout (o3-mini bolds them, R1 writes 'Label:'); a title holding a clinical token is kept as text";
    emoji: "emoji and pictographs (U+1F000–U+1FAFF, U+2600–U+27BF except ♀ ♂, U+FE0F, U+200D)", C::Emoji, R::Markup, "emojis carry tone, not content";
    punct_exclamation: "!", C::Punctuation, R::Markup, "exclamation is tone; a sentence-final one becomes a full stop";
    punct_ellipsis: "… or ...", C::Punctuation, R::Markup, "trailing-off is a thinking-model habit; becomes a full stop or a space";
    punct_em_dash: "— and spaced – or --", C::Punctuation, R::Markup, "dash habits differ by model; becomes a comma (between digits a hyphen)";
    quote_curly: "“ ” ‘ ’", C::Quote, R::Markup, "quote style differs by model; straight quotes";
    quote_short: "\"…\" around one to three words", C::Quote, R::Markup, "scare quotes around a word are a model habit; the words are kept";
    contraction: "n't 'm 're 've 'll 'd and pronoun 's", C::Contraction, R::Markup, "contraction rate differs by model; expanded ('isn't' → 'is not')";
    ws_repeated: "two or more spaces, tabs", C::Whitespace, R::Markup, "layout, not content";
    ws_special: "non-breaking and zero-width spaces", C::Whitespace, R::Markup, "layout, not content";
    // strip-2: punctuation idiolect rewritten by `idiom`.
    abbr_eg: "e.g. / e.g.,", C::Punctuation, R::Markup, "R1 writes 'e.g.' about 14 times as often as o3-mini, which writes 'such as'; becomes 'such as'";
    abbr_ie: "i.e. / i.e.,", C::Punctuation, R::Markup, "Latin abbreviation habit; becomes 'that is,'";
    punct_slash: "a slash between two plain lowercase words, and 'and/or'", C::Punctuation, R::Markup, "R1 writes 'urethral/erectile' about 8 times as often as o3-mini; becomes 'urethral or erectile' ('and/or' → 'or'). Units, rates ('doses/day'), names ('PET/CT') and numbers are left alone";
}

/// The list, for callers of the public API.
pub fn style_markers() -> &'static [StyleMarker] {
    MARKERS
}

/// Re-run a stripping pass on its own output until it changes nothing (at most four more
/// passes), adding to `hits` the markers of every pass that changed the text. `t` is the
/// first pass's output. The text passes and the sentence pass share this loop.
pub(crate) fn to_fixpoint(
    mut t: String,
    hits: &mut Vec<MarkerId>,
    pass: impl Fn(&str, &mut Vec<MarkerId>) -> String,
) -> String {
    for _ in 0..4 {
        let mut more = Vec::new();
        let u = pass(&t, &mut more);
        if u == t {
            break;
        }
        hits.extend(more);
        t = u;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_table_in_order() {
        assert_eq!(MarkerId::ALL.len(), MARKERS.len());
        for (i, (m, id)) in MARKERS.iter().zip(MarkerId::ALL).enumerate() {
            assert_eq!((m.id, *id as usize, id.marker()), (*id, i, m));
        }
        let mut names: Vec<&str> = MARKERS.iter().map(|m| m.id.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MARKERS.len(), "marker ids are unique");
        assert_eq!(MarkerId::filler_okay.as_str(), "filler_okay");
        assert_eq!(MarkerId::md_bold.to_string(), "md_bold");
    }
}
