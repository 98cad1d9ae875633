//! The clinical lexicon and the clinical-token scanner: the words whose loss
//! would change a clinical claim (numbers, units, negations, drugs, findings,
//! diagnoses, procedures). The stripper never drops a sentence or a title that
//! holds one, and the content tests check every one survives. Pure data and
//! scanning; no I/O. No style marker may be a lexicon word (a unit test checks).

/// What a clinical token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    /// Any word holding a digit: `7.2`, `-0.563`, `q6h`, `SF36`, `T2`.
    Number,
    /// A unit of measure: `mg`, `dL`, `mmHg`, `%`.
    Unit,
    /// A negation: `no`, `not`, `without`, `denies`, `-n't`.
    Negation,
    /// A drug, finding, diagnosis, procedure or anatomical term.
    Term,
}

/// One clinical token found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicalToken {
    /// Byte range in the scanned text.
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Canonical form: lowercase, possessive dropped, `n't`/`cannot` → `not`,
    /// Unicode minus → `-`.
    pub norm: String,
}

/// Negation words. `n't` and `cannot` are folded into `not`.
pub const NEGATIONS: &[&str] = &[
    "absence", "absent", "cannot", "denied", "denies", "deny", "denying", "lack", "lacking",
    "lacks", "negative", "neither", "never", "no", "non", "none", "nor", "not", "nothing",
    "unremarkable", "without",
];

/// Units of measure (lowercase). `%` is matched as a character.
pub const UNITS: &[&str] = &[
    "bpm", "cm", "cmh2o", "dl", "g", "gy", "h", "hr", "hrs", "iu", "kcal", "kg", "l", "mcg", "meq",
    "mg", "mgy", "min", "ml", "mm", "mmhg", "mmol", "mol", "mosm", "ms", "mv", "ng", "nmol", "pg",
    "pmol", "sec", "u", "ug", "umol", "units", "wk", "wks", "yr", "yrs", "µg", "µmol",
];

/// Drugs, findings, diagnoses, procedures and anatomy (lowercase, singular,
/// sorted for binary search). A few hundred terms, enough to catch a dropped
/// clinical claim in the fixture traces and in typical vignettes.
pub const TERMS: &[&str] = &[
    "abdomen", "abdominal", "abscess", "acetaminophen", "acidosis", "acyclovir", "adenocarcinoma",
    "adenoma", "adrenal", "albumin", "alkalosis", "allergy", "alzheimer", "amiodarone",
    "amlodipine", "amoxicillin", "ampicillin", "amputation", "anaemia", "analgesia", "anaphylaxis",
    "anemia", "aneurysm", "angina", "angiography", "antibiotic", "anticoagulation", "antrum",
    "anxiety", "aorta", "aortic", "apixaban", "appendectomy", "appendicitis", "appendix",
    "arrhythmia", "arterial", "artery", "arthritis", "ascites", "aspirin", "asthma", "ataxia",
    "atelectasis", "atorvastatin", "atrial", "atrophy", "azithromycin", "bacteremia", "barthel",
    "benign", "beta", "bicarbonate", "bilirubin", "biopsy", "bleeding", "blood", "bone",
    "bradycardia", "brain", "breast", "bronchitis", "bupivacaine", "burn", "calcium", "cancer",
    "carbamazepine", "carboplatin", "carcinoma", "cardiac", "cardiomyopathy", "carotid",
    "cataract", "catheter", "cefazolin", "ceftriaxone", "cellulitis", "cephalexin", "cerebral",
    "cervical", "chemotherapy", "chest", "cholangitis", "cholecystectomy", "cholecystitis",
    "cholesterol", "chordee", "ciprofloxacin", "cirrhosis", "cisplatin", "clindamycin",
    "clopidogrel", "colectomy", "colitis", "colon", "coma", "confusion", "constipation",
    "contracture", "copd", "coronary", "corticosteroid", "cortisol", "cough", "craniotomy",
    "creatinine", "crohn", "ct", "culture", "cushing", "cyanosis", "cyst", "cystitis",
    "debridement", "deficit", "dehydration", "delirium", "dementia", "depression", "dermatitis",
    "dexamethasone", "diabetes", "dialysis", "diarrhea", "diarrhoea", "diazepam", "diclofenac",
    "digoxin", "diltiazem", "diplopia", "disability", "dissection", "diuretic", "dizziness",
    "dopamine", "doxycycline", "dysphagia", "dyspnea", "dyspnoea", "dysuria", "ecg",
    "echocardiography", "ectopic", "edema", "embolism", "embolization", "emphysema",
    "encephalitis", "encephalopathy", "endocarditis", "endometriosis", "endoscopy", "enoxaparin",
    "epilepsy", "epinephrine", "erythema", "erythromycin", "esophagus", "etomidate", "etoposide",
    "excision", "exudate", "femur", "fentanyl", "fever", "fibrillation", "fibrosis", "fistula",
    "flap", "fluconazole", "fluid", "fracture", "furosemide", "gabapentin", "gallbladder",
    "gangrene", "gastrectomy", "gastritis", "gentamicin", "gingivitis", "glaucoma", "glucose",
    "gout", "graft", "haematuria", "haemoglobin", "haemorrhage", "headache", "heart", "hematoma",
    "hematuria", "hemoglobin", "hemorrhage", "heparin", "hepatitis", "hernia", "hip", "hiv",
    "hydrocortisone", "hydronephrosis", "hyperglycemia", "hyperkalemia", "hypertension",
    "hyperthyroidism", "hypoglycemia", "hypokalemia", "hyponatremia", "hypotension",
    "hypothyroidism", "hypoxia", "ibuprofen", "ileus", "immunotherapy", "infarction", "infection",
    "infertility", "inflammation", "insulin", "intubation", "iron", "ischaemia", "ischemia",
    "ivig", "jaundice", "ketoconazole", "kidney", "labetalol", "lactate", "laparoscopy",
    "laparotomy", "lesion", "leukemia", "levetiracetam", "levofloxacin", "levothyroxine",
    "lidocaine", "ligation", "lipase", "lisinopril", "lithium", "liver", "lorazepam", "losartan",
    "lung", "lymph", "lymphadenopathy", "lymphocele", "lymphoma", "magnesium", "malignancy",
    "malignant", "malocclusion", "mandible", "mass", "mastectomy", "melanoma", "meningitis",
    "meropenem", "metastasis", "metformin", "methotrexate", "metoprolol", "metronidazole",
    "metyrapone", "midazolam", "morphine", "mri", "murmur", "myeloma", "myocardial", "myocarditis",
    "naloxone", "nausea", "necrosis", "neoplasm", "nephrectomy", "nephropathy", "neuropathy",
    "nifedipine", "nitroglycerin", "nodule", "norepinephrine", "obesity", "obstruction",
    "octreotide", "oedema", "omeprazole", "ondansetron", "opioid", "orthodontic", "osteomyelitis",
    "osteoporosis", "ovary", "oxygen", "oxytocin", "pain", "pallor", "palpitation", "pancreas",
    "pancreatitis", "paracetamol", "paralysis", "paresis", "penicillin", "penile", "perforation",
    "pericarditis", "periodontitis", "peritonitis", "phenytoin", "platelet", "pleural",
    "pneumonia", "pneumothorax", "polyp", "potassium", "prednisolone", "prednisone",
    "preeclampsia", "pregnancy", "propofol", "propranolol", "prostate", "proteinuria", "psychosis",
    "pulmonary", "pyelonephritis", "radiotherapy", "rash", "rectum", "recurrence", "renal",
    "resection", "rifampicin", "rituximab", "sarcoma", "scaling", "schizophrenia", "sclerosis",
    "sclerotherapy", "seizure", "sepsis", "shock", "sodium", "spironolactone", "splenectomy",
    "splint", "statin", "stenosis", "stent", "steroid", "stroke", "surgery", "suture", "syncope",
    "tachycardia", "tamoxifen", "tendon", "tenesmus", "thrombocytopenia", "thrombosis", "thyroid",
    "thyroidectomy", "thyroxine", "tramadol", "transfusion", "trauma", "troponin", "tuberculosis",
    "tumor", "tumour", "ulcer", "ultrasound", "urethra", "urethral", "urinary", "vancomycin",
    "vasopressin", "vertigo", "vitamin", "vomiting", "warfarin", "weakness", "wound",
];

fn in_sorted(list: &[&str], word: &str) -> bool {
    list.binary_search(&word).is_ok()
}

/// Is `word` (lowercase) a lexicon term, allowing a plural `-s`/`-es`?
pub fn is_term(word: &str) -> bool {
    if in_sorted(TERMS, word) {
        return true;
    }
    for suffix in ["es", "s"] {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 3
            && in_sorted(TERMS, stem)
        {
            return true;
        }
    }
    false
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_minus(c: char) -> bool {
    c == '-' || c == '\u{2212}'
}

/// Words of `text` as byte ranges: runs of alphanumerics, with `.`/`,`
/// between digits (7.2, 1,000), apostrophes between alphanumerics, and a
/// leading minus sign on a number that does not follow an alphanumeric.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let signed = is_minus(c)
            && chars.get(i + 1).is_some_and(|&(_, d)| d.is_ascii_digit())
            && (i == 0 || !chars[i - 1].1.is_alphanumeric());
        if !c.is_alphanumeric() && !signed {
            i += 1;
            continue;
        }
        let start = pos;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let prev = chars[j - 1].1;
            let next = chars.get(j + 1).map(|&(_, d)| d);
            if c.is_alphanumeric() {
                j += 1;
            } else if (c == '.' || c == ',')
                && prev.is_ascii_digit()
                && next.is_some_and(|d| d.is_ascii_digit())
            {
                j += 1;
            } else if is_apostrophe(c)
                && prev.is_alphanumeric()
                && next.is_some_and(|d| d.is_alphanumeric())
            {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
        out.push((start, end));
        i = j;
    }
    out
}

/// Canonical form of one word (see [`ClinicalToken::norm`]).
pub fn normalise_word(word: &str) -> String {
    let mut w: String = word
        .chars()
        .map(|c| match c {
            '\u{2212}' => '-',
            '\u{2019}' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if w.ends_with("n't") || w == "cannot" {
        return "not".to_string();
    }
    if let Some(stem) = w.strip_suffix("'s") {
        w = stem.to_string();
    }
    w
}

/// Classify a normalised word, if it is clinical.
pub fn classify(norm: &str) -> Option<TokenKind> {
    if norm.chars().any(|c| c.is_ascii_digit()) {
        Some(TokenKind::Number)
    } else if in_sorted(NEGATIONS, norm) {
        Some(TokenKind::Negation)
    } else if in_sorted(UNITS, norm) {
        Some(TokenKind::Unit)
    } else if is_term(norm) {
        Some(TokenKind::Term)
    } else {
        None
    }
}

/// Every clinical token of `text`, in order.
pub fn clinical_tokens(text: &str) -> Vec<ClinicalToken> {
    let mut out = Vec::new();
    for (start, end) in words(text) {
        let norm = normalise_word(&text[start..end]);
        if let Some(kind) = classify(&norm) {
            out.push(ClinicalToken {
                start,
                end,
                kind,
                norm,
            });
        }
    }
    for (i, c) in text.char_indices() {
        if c == '%' {
            out.push(ClinicalToken {
                start: i,
                end: i + 1,
                kind: TokenKind::Unit,
                norm: "%".to_string(),
            });
        }
    }
    out.sort_by_key(|t| t.start);
    out
}

/// Does `text` hold any clinical token?
pub fn has_clinical(text: &str) -> bool {
    text.contains('%')
        || words(text)
            .into_iter()
            .any(|(s, e)| classify(&normalise_word(&text[s..e])).is_some())
}

/// The distinct canonical clinical tokens of `text`, sorted.
pub fn clinical_set(text: &str) -> Vec<String> {
    let mut v: Vec<String> = clinical_tokens(text).into_iter().map(|t| t.norm).collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_unique() {
        for list in [NEGATIONS, UNITS, TERMS] {
            for w in list.windows(2) {
                assert!(w[0] < w[1], "{:?} before {:?}", w[0], w[1]);
            }
        }
        assert!(TERMS.len() >= 300, "lexicon has {} terms", TERMS.len());
    }

    #[test]
    fn finds_numbers_units_negations_terms() {
        let t = clinical_tokens("Hb 7.2 g/dL, isn't on warfarin; r = −0.563 in 50% of SF36's items");
        let norms: Vec<(&str, TokenKind)> = t.iter().map(|t| (t.norm.as_str(), t.kind)).collect();
        assert_eq!(
            norms,
            vec![
                ("7.2", TokenKind::Number),
                ("g", TokenKind::Unit),
                ("dl", TokenKind::Unit),
                ("not", TokenKind::Negation),
                ("warfarin", TokenKind::Term),
                ("-0.563", TokenKind::Number),
                ("50", TokenKind::Number),
                ("%", TokenKind::Unit),
                ("sf36", TokenKind::Number),
            ]
        );
    }

    #[test]
    fn ranges_are_two_numbers_and_plurals_match() {
        assert_eq!(clinical_set("1.1-2.5"), vec!["1.1", "2.5"]);
        assert!(is_term("tendons") && is_term("abscesses") && !is_term("es"));
        assert_eq!(clinical_set("it cannot be"), vec!["not"]);
    }
}
