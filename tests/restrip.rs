//! Re-stripping makes a new chain for the current stripper version and never
//! touches an older chain (or the verdicts on it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use blindstep::domain::{CaseId, Chain, ModelSource, Provenance, Role};
use blindstep::storage::{NewModel, NewRun, Store};
use blindstep::workflow::import_runs::{chain_for, restrip};

#[test]
fn restrip_adds_chains_and_keeps_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("r.db")).unwrap();
    blindstep::workflow::demo::ensure_demo(&mut store).unwrap();
    store
        .add_model(&NewModel {
            name: "old".into(),
            role: Role::Other,
            source: ModelSource::OutputsOnly,
            tokenizer: None,
            chat_template: None,
            label: None,
        })
        .unwrap();
    let model = store.model("old").unwrap();
    let case = store
        .case(&CaseId("demo-im-breathless-traveller".into()))
        .unwrap();
    let output = "<think>She is hypoxic and tachycardic after a long flight. Pulmonary embolism is likely.</think> C";
    let mut old: Chain = chain_for(&case, output, None);
    old.stripper_version = "strip-0".into();
    old.steps.truncate(1);
    let run = NewRun {
        case_id: case.id.clone(),
        model_id: model.id,
        output: output.into(),
        reasoning: None,
        provenance: Provenance::default(),
        settings_key: None,
    };
    let (_, ids) = store.import_runs(&[(run, old.clone())]).unwrap();
    let old_chain = store.latest_chain_of_run(ids[0]).unwrap().unwrap();

    let (made, current) = restrip(&mut store, Some("old")).unwrap();
    assert_eq!((made, current), (1, 0));
    let new_chain = store.latest_chain_of_run(ids[0]).unwrap().unwrap();
    assert_ne!(new_chain, old_chain);
    assert_eq!(
        store.chain(new_chain).unwrap().stripper_version,
        blindstep::strip::VERSION
    );
    assert_eq!(
        store.chain(old_chain).unwrap(),
        old,
        "the old chain is unchanged"
    );
    // a second pass finds nothing to do
    assert_eq!(restrip(&mut store, Some("old")).unwrap(), (0, 1));
}
