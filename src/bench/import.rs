//! Case import speed, per format, each file parsed and imported into a fresh database file
//! in one transaction, the way `cases import` does it:
//!
//! - MedQA JSONL (1,273 questions by default, the size of MedQA's test split);
//! - AgentClinic OSCE JSONL (`OSCE_Examination` records, 1,000 by default), read with
//!   `--format auto` as a user would;
//! - MedR-Bench through the shipped mapping (`assets/mappings/medrbench-diagnosis.toml`,
//!   957 records by default, the size of MedR-Bench's diagnosis set; or the treatment
//!   mapping), minijinja templates and JSON pointers per record.
//!
//! Records are synthetic in each source's schema, or copies of a template file's records
//! made distinct per copy (`--template`, `--agentclinic-template`, `--medrbench-template`).

use crate::ingest::mapping::{Mapping, keyed_records};
use crate::ingest::records::read_records;
use crate::ingest::{CaseFormat, LoadOptions, load_cases_with};
use crate::storage::{ImportMode, Store};
use anyhow::Context;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Instant;

/// One format's figures.
#[derive(Debug, Clone)]
pub struct ImportFigures {
    /// Cases imported.
    pub questions: usize,
    pub bytes: usize,
    pub parse_s: f64,
    pub import_s: f64,
}

/// Which shipped MedR-Bench mapping a MedR-Bench bench reads its records through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MedrMapping {
    #[default]
    Diagnosis,
    Treatment,
}

impl MedrMapping {
    /// The mapping's path in the repository (as a user passes it to `--mapping`).
    pub fn path(self) -> &'static str {
        match self {
            MedrMapping::Diagnosis => "assets/mappings/medrbench-diagnosis.toml",
            MedrMapping::Treatment => "assets/mappings/medrbench-treatment.toml",
        }
    }

    fn text(self) -> &'static str {
        match self {
            MedrMapping::Diagnosis => {
                include_str!("../../assets/mappings/medrbench-diagnosis.toml")
            }
            MedrMapping::Treatment => {
                include_str!("../../assets/mappings/medrbench-treatment.toml")
            }
        }
    }
}

/// MedQA JSONL: `n` records from `template` lines (or a synthetic one).
pub fn medqa(n: usize, template: Option<&str>) -> anyhow::Result<ImportFigures> {
    let lines = match template {
        Some(t) => template_records(t)?,
        None => vec![json!({
            "question": "A 45-year-old man has sudden chest pain radiating to the back with a blood pressure difference between arms. Which of the following is the most likely diagnosis?",
            "options": {"A": "Aortic dissection", "B": "Myocardial infarction", "C": "Pericarditis", "D": "Pneumothorax", "E": "Oesophageal spasm"},
            "answer_idx": "A", "answer": "Aortic dissection", "meta_info": "step2&3"
        })],
    };
    let text = jsonl(n, &lines, |v, i| {
        set(v, &["realidx"], json!(100_000 + i));
        append(v, &["question"], &format!(" (variant {i})"));
    })?;
    time_import(
        "medqa_test_1273.jsonl",
        &text,
        &LoadOptions {
            format: CaseFormat::Medqa,
            ..LoadOptions::default()
        },
    )
}

/// AgentClinic OSCE JSONL, read with `--format auto`: `n` records from `template` lines
/// (or synthetic records in the schema of AgentClinic's `agentclinic_medqa.jsonl`).
pub fn agentclinic(n: usize, template: Option<&str>) -> anyhow::Result<ImportFigures> {
    let lines = match template {
        Some(t) => template_records(t)?,
        None => osce_records(),
    };
    let text = jsonl(n, &lines, |v, i| {
        let actor = ["OSCE_Examination", "Patient_Actor", "History"];
        append(v, &actor, &format!(" (Simulated case {i}.)"));
    })?;
    time_import(
        "agentclinic_medqa_bench.jsonl",
        &text,
        &LoadOptions::default(),
    )
}

/// MedR-Bench records read through a shipped mapping: `n` records from `template` (JSONL,
/// a JSON array, or the upstream object keyed by PMC id), or synthetic records in the
/// schema of MedR-Bench's case files.
pub fn medrbench(
    n: usize,
    template: Option<&str>,
    which: MedrMapping,
) -> anyhow::Result<ImportFigures> {
    let mapping = Mapping::parse(Path::new(which.path()), which.text())
        .map_err(|p| anyhow::anyhow!("{p}"))?;
    let lines = match template {
        Some(t) => medrbench_template(t)?,
        None => medrbench_records(which),
    };
    let text = jsonl(n, &lines, |v, i| {
        let id = v
            .get("id")
            .or_else(|| v.get("_key"))
            .and_then(Value::as_str)
            .unwrap_or("PMC")
            .to_string();
        if let Some(o) = v.as_object_mut() {
            o.remove("_key");
        }
        set(v, &["id"], json!(format!("{id}-{i}")));
        append(
            v,
            &["generate_case", "case_summary"],
            &format!("\n- Note: simulated copy {i}."),
        );
    })?;
    time_import(
        "medrbench_cases_bench.jsonl",
        &text,
        &LoadOptions {
            mapping: Some(&mapping),
            ..LoadOptions::default()
        },
    )
}

/// Write `text` as `name` in a temp folder, load it as `cases import` does and import it
/// into a fresh database file there; the two phases timed apart.
fn time_import(name: &str, text: &str, opts: &LoadOptions<'_>) -> anyhow::Result<ImportFigures> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let file = dir.path().join(name);
    std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
    let t = Instant::now();
    let cases = load_cases_with(std::slice::from_ref(&file), opts)
        .map_err(|p| anyhow::anyhow!("{}", crate::ingest::Problems(p)))?;
    let parse_s = t.elapsed().as_secs_f64();
    let mut store = Store::open(&dir.path().join("import.db"))?;
    let t = Instant::now();
    store.import_cases(&cases, ImportMode::Refuse)?;
    let import_s = t.elapsed().as_secs_f64();
    Ok(ImportFigures {
        questions: cases.len(),
        bytes: text.len(),
        parse_s,
        import_s,
    })
}

/// `n` JSONL lines cycling through `records`, each passed through `vary` with its index.
fn jsonl(n: usize, records: &[Value], vary: impl Fn(&mut Value, usize)) -> anyhow::Result<String> {
    anyhow::ensure!(!records.is_empty(), "no template records");
    let mut text = String::new();
    for i in 0..n {
        let mut v = records[i % records.len()].clone();
        vary(&mut v, i);
        text.push_str(&serde_json::to_string(&v)?);
        text.push('\n');
    }
    Ok(text)
}

fn template_records(text: &str) -> anyhow::Result<Vec<Value>> {
    let records = read_records(Path::new("template"), text).map_err(|p| anyhow::anyhow!("{p}"))?;
    Ok(records.into_iter().map(|r| r.value).collect())
}

/// JSONL or an array of records; one object without `generate_case` is the upstream file
/// keyed by PMC id.
fn medrbench_template(text: &str) -> anyhow::Result<Vec<Value>> {
    if text.trim_start().starts_with('{')
        && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text)
        && !map.contains_key("generate_case")
    {
        let records =
            keyed_records(Path::new("template"), text).map_err(|p| anyhow::anyhow!("{p}"))?;
        return Ok(records.into_iter().map(|r| r.value).collect());
    }
    template_records(text)
}

fn pointer_mut<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, k| v.get_mut(*k))
}

/// Append `tail` to the string at `path` (records without it are left as they are).
fn append(v: &mut Value, path: &[&str], tail: &str) {
    if let Some(Value::String(s)) = pointer_mut(v, path) {
        s.push_str(tail);
    }
}

/// Set the top-level key `path[0]` of an object record.
fn set(v: &mut Value, path: &[&str], value: Value) {
    if let (Some(o), Some(k)) = (v.as_object_mut(), path.first()) {
        o.insert((*k).to_string(), value);
    }
}

/// Three OSCE records in AgentClinic's schema (written for the bench; no real patient).
fn osce_records() -> Vec<Value> {
    vec![
        json!({"OSCE_Examination": {
            "Objective_for_Doctor": "Assess and diagnose the patient presenting with fatigue and proximal muscle weakness.",
            "Patient_Actor": {
                "Demographics": "52-year-old female",
                "History": "The patient reports three months of difficulty rising from a chair and climbing stairs, with a rash over her eyelids and knuckles. She has lost 4 kg without trying.",
                "Symptoms": {"Primary_Symptom": "Proximal muscle weakness", "Secondary_Symptoms": ["Heliotrope rash", "Papules over the knuckles", "Weight loss", "Fatigue"]},
                "Past_Medical_History": "Hypothyroidism on levothyroxine.",
                "Social_History": "Never smoked. Works as an accountant.",
                "Review_of_Systems": "Denies fever, joint swelling or dysphagia."
            },
            "Physical_Examination_Findings": {
                "Vital_Signs": {"Temperature": "36.7°C (98.1°F)", "Blood_Pressure": "128/78 mmHg", "Heart_Rate": "76 bpm", "Respiratory_Rate": "14 breaths/min"},
                "Skin_Examination": {"Eyelids": "Violaceous discolouration of both upper eyelids.", "Hands": "Erythematous papules over the metacarpophalangeal joints."},
                "Neurological_Examination": {"Motor_Strength": "Hip flexors and deltoids 4-/5 bilaterally; distal strength normal.", "Reflexes": "Normal and symmetrical.", "Sensation": "Intact."}
            },
            "Test_Results": {
                "Blood_Tests": {"Creatine_Kinase": "Elevated (3,400 U/L)", "ANA": "Positive", "Anti-Mi-2_Antibodies": "Positive"},
                "Electromyography": {"Findings": "Short, small polyphasic motor unit potentials with fibrillations in proximal muscles."},
                "Muscle_Biopsy": {"Findings": "Perifascicular atrophy with perivascular inflammation."}
            },
            "Correct_Diagnosis": "Dermatomyositis"
        }}),
        json!({"OSCE_Examination": {
            "Objective_for_Doctor": "Evaluate and diagnose the patient presenting with episodic headaches, palpitations and sweating.",
            "Patient_Actor": {
                "Demographics": "38-year-old male",
                "History": "The patient describes attacks lasting 10 to 20 minutes of pounding headache, palpitations and drenching sweat over the last six months, sometimes after bending forward.",
                "Symptoms": {"Primary_Symptom": "Episodic headache with palpitations", "Secondary_Symptoms": ["Sweating", "Tremor during attacks", "Pallor"]},
                "Past_Medical_History": "Hypertension diagnosed a year ago, poorly controlled on two drugs.",
                "Social_History": "Non-smoker, drinks alcohol rarely. Works as an electrician.",
                "Review_of_Systems": "No weight change, no chest pain between attacks."
            },
            "Physical_Examination_Findings": {
                "Vital_Signs": {"Temperature": "37.0°C (98.6°F)", "Blood_Pressure": "186/110 mmHg", "Heart_Rate": "112 bpm", "Respiratory_Rate": "18 breaths/min"},
                "General_Examination": {"Appearance": "Pale and diaphoretic.", "Cardiovascular": "Tachycardic, regular, no murmurs.", "Abdomen": "Soft, no masses felt."}
            },
            "Test_Results": {
                "Blood_Tests": {"Plasma_Free_Metanephrines": "Markedly elevated", "Glucose": "7.8 mmol/L"},
                "Urine_Tests": {"24h_Urinary_Metanephrines": "Elevated"},
                "Imaging": {"CT_Abdomen": {"Findings": "A 4 cm heterogeneous right adrenal mass."}}
            },
            "Correct_Diagnosis": "Pheochromocytoma"
        }}),
        json!({"OSCE_Examination": {
            "Objective_for_Doctor": "Assess and diagnose the child presenting with fever and a limp.",
            "Patient_Actor": {
                "Demographics": "6-year-old boy",
                "History": "The boy has refused to bear weight on his right leg since yesterday and has had a fever for two days. He scraped his knee playing football last week.",
                "Symptoms": {"Primary_Symptom": "Refusal to bear weight on the right leg", "Secondary_Symptoms": ["Fever", "Pain above the right knee", "Reduced appetite"]},
                "Past_Medical_History": "Fully immunised; no previous illnesses.",
                "Social_History": "Lives with his parents and a younger sister.",
                "Review_of_Systems": "No rash, no cough, no abdominal pain."
            },
            "Physical_Examination_Findings": {
                "Vital_Signs": {"Temperature": "39.1°C (102.4°F)", "Heart_Rate": "128 bpm", "Respiratory_Rate": "24 breaths/min"},
                "Lower_Limb_Examination": {"Inspection": "Warm, swollen distal right thigh.", "Palpation": "Point tenderness over the distal femoral metaphysis.", "Range_of_Motion": "Knee movement possible but painful; hip moves freely."}
            },
            "Test_Results": {
                "Blood_Tests": {"WBC": "17.8 x10^9/L", "CRP": "112 mg/L", "ESR": "68 mm/h", "Blood_Culture": "Staphylococcus aureus"},
                "Imaging": {"X-ray_Right_Femur": {"Findings": "Soft-tissue swelling; no bony change yet."}, "MRI_Right_Femur": {"Findings": "Marrow oedema of the distal femoral metaphysis with a small subperiosteal collection."}}
            },
            "Correct_Diagnosis": "Acute haematogenous osteomyelitis"
        }}),
    ]
}

/// Synthetic records in the schema of MedR-Bench's case files (`raw_case`, `generate_case`,
/// categories), sized like the real ones (the case report runs to several kilobytes).
fn medrbench_records(which: MedrMapping) -> Vec<Value> {
    let report = "Case presentation. A patient was admitted with the complaint described below. \
        The history was taken from the patient and the family, previous records were reviewed, \
        and a full examination was performed on admission. Laboratory studies, imaging and, \
        where indicated, histology were obtained over the following days, and the course in \
        hospital is described with the treatment given and the outcome at follow-up. ";
    let raw_case: String = report.repeat(24);
    let summaries = [
        (
            "- Patient Demographics: 29-year-old woman\n- Chief Complaint: Recurrent fainting on exertion\n- History of Present Illness: Three episodes of syncope while running over two months, with exertional chest tightness.\n- Past Medical History: None.\n- Physical Exam: Harsh systolic murmur at the left sternal edge that increases on standing.\n- Test Results: ECG with left ventricular hypertrophy and deep septal Q waves; echocardiogram with asymmetric septal hypertrophy (22 mm) and systolic anterior motion of the mitral valve.",
            "Aortic stenosis; anomalous coronary artery",
            "Hypertrophic obstructive cardiomyopathy",
            "Beta-blocker, avoidance of strenuous exercise, and an implantable cardioverter-defibrillator after risk stratification.",
            &["Heart and Blood Vessels"][..],
            &["Cardiomyopathies"][..],
        ),
        (
            "- Patient Demographics: 61-year-old man\n- Chief Complaint: Painless jaundice\n- History of Present Illness: Six weeks of yellow skin, dark urine, pale stools, itching and 6 kg weight loss.\n- Past Medical History: Type 2 diabetes diagnosed a year ago.\n- Physical Exam: Jaundice, palpable non-tender gallbladder.\n- Test Results: Bilirubin 210 µmol/L, ALP raised; CT with a 3 cm hypodense mass in the head of the pancreas and a dilated common bile duct; CA 19-9 raised.",
            "Cholangiocarcinoma; choledocholithiasis",
            "Pancreatic adenocarcinoma",
            "Biliary drainage, staging, and pancreaticoduodenectomy with adjuvant chemotherapy if resectable.",
            &["Digestive System"][..],
            &["Pancreatic Diseases", "Cancers"][..],
        ),
        (
            "- Patient Demographics: 7-year-old girl\n- Chief Complaint: Puffy eyes and frothy urine\n- History of Present Illness: Ten days of facial swelling, worse in the morning, then swollen ankles.\n- Past Medical History: Upper respiratory infection a month ago.\n- Physical Exam: Periorbital and pitting ankle oedema; blood pressure normal for age.\n- Test Results: Urine protein 4+, urine protein/creatinine ratio 650 mg/mmol; albumin 14 g/L; cholesterol raised; creatinine normal; complement normal.",
            "Post-streptococcal glomerulonephritis; IgA nephropathy",
            "Minimal change disease",
            "Oral prednisolone for four weeks then tapering, salt restriction, and monitoring for relapse.",
            &["Kidneys and Urinary System"][..],
            &["Kidney Diseases"][..],
        ),
    ];
    summaries
        .iter()
        .enumerate()
        .map(|(i, (summary, differential, diagnosis, plan, body, disorder))| {
            let generate_case = match which {
                MedrMapping::Diagnosis => json!({
                    "case_summary": summary,
                    "differential_diagnosis": differential,
                    "diagnosis_results": diagnosis,
                }),
                MedrMapping::Treatment => json!({
                    "case_summary": summary,
                    "treatment_planning_analysis": format!("- Objective: treat the {diagnosis} and prevent its complications.\n- Evidence: the findings in the summary establish the diagnosis."),
                    "treatment_plan_results": plan,
                }),
            };
            json!({
                "id": format!("PMC99{i:05}"),
                "raw_case": raw_case,
                "generate_case": generate_case,
                "body_category": body,
                "disorder_category": disorder,
                "receive_time": "2024-6-1",
                "checked_rare_disease": [],
            })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn each_format_imports_every_record() {
        assert_eq!(medqa(7, None).unwrap().questions, 7);
        assert_eq!(agentclinic(7, None).unwrap().questions, 7);
        for which in [MedrMapping::Diagnosis, MedrMapping::Treatment] {
            assert_eq!(medrbench(7, None, which).unwrap().questions, 7, "{which:?}");
        }
    }

    #[test]
    fn template_records_are_copied_distinct() {
        let osce = include_str!("../../tests/data/agentclinic_medqa_sample.jsonl");
        assert_eq!(agentclinic(5, Some(osce)).unwrap().questions, 5);
        let keyed = include_str!("../../tests/data/medrbench_diagnosis_sample.json");
        // The sample's second record has no diagnosis: the mapping names it.
        assert_eq!(
            medrbench(1, Some(keyed), MedrMapping::Diagnosis)
                .unwrap()
                .questions,
            1
        );
        let e = medrbench(4, Some(keyed), MedrMapping::Diagnosis).unwrap_err();
        assert!(e.to_string().contains("diagnosis"), "{e}");
        // The real treatment cases, where the developer fixtures are at hand.
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/medrbench_treatment_dev20_cases.jsonl"
        );
        if let Ok(text) = std::fs::read_to_string(fixture) {
            let f = medrbench(45, Some(&text), MedrMapping::Treatment).unwrap();
            assert_eq!(f.questions, 45);
        }
    }
}
