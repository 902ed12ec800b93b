//! The import templates as a user meets them, on both backends: imported as downloaded they write nothing (the
//! example sits on a sheet the importer does not read), and the example, written on the sheet to fill in, is a row
//! the importer takes as it stands.

use duikou_app::{App, ImportMode};
use duikou_domain::access::Actor;
use duikou_report::Workbook;
use duikou_store::import::IMPORTABLE;
use duikou_store::testing::{create_id, for_each_backend};
use duikou_store::{ListQuery, Store};
use serde_json::json;

/// Imports `book` as an .xlsx file into `entity`.
async fn import(app: &App, entity: &str, book: &Workbook, mode: ImportMode) -> duikou_store::import::ImportReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{entity}.xlsx"));
    std::fs::write(&path, duikou_report::xlsx(book).unwrap()).unwrap();
    app.import(&Actor::system(), entity, &path, &format!("{entity}.xlsx"), mode)
        .await
        .unwrap_or_else(|e| panic!("{entity}: {e}"))
}

async fn count(store: &Store, entity: &str) -> usize {
    store.list_every(entity, &ListQuery::default()).await.unwrap().len()
}

#[tokio::test]
async fn a_template_imported_as_downloaded_writes_nothing() {
    for_each_backend(|store, backend| async move {
        let app = App::new(store.clone());
        for entity in IMPORTABLE {
            let before = count(&store, entity).await;
            let book = duikou_app::template_workbook(entity).unwrap();
            let r = import(&app, entity, &book, ImportMode::Write).await;
            assert_eq!((r.rows, r.created, r.updated), (0, 0, 0), "{backend} {entity}: {r:?}");
            assert_eq!(count(&store, entity).await, before, "{backend} {entity}");
        }
    })
    .await;
}

#[tokio::test]
async fn each_example_is_a_row_the_importer_takes() {
    for_each_backend(|store, backend| async move {
        // what the examples name: the two sides, their program and pairing, an indicator (the rest the examples make)
        let hn = create_id(&store, "orgs", json!({"name": "湖南省", "kind": "government", "region_code": "430000"})).await;
        let tlf = create_id(&store, "orgs", json!({"name": "吐鲁番市", "kind": "government", "region_code": "650400"})).await;
        let program = create_id(
            &store,
            "programs",
            json!({"name": "对口援疆", "authority_org_id": hn, "start_date": "2010-01-01"}),
        )
        .await;
        create_id(
            &store,
            "pairings",
            json!({"program_id": program, "supporter_org_id": hn, "receiver_org_id": tlf, "level": "province_prefecture", "start_date": "2011-01-01"}),
        )
        .await;
        create_id(
            &store,
            "indicators",
            json!({"code": "gdp", "name": "地区生产总值", "unit": "亿元", "aggregation": "sum"}),
        )
        .await;
        let app = App::new(store.clone());
        let order = ["orgs", "pairings", "projects", "transactions", "dispatches", "activities", "indicator_values", "people"];
        let mut all = order.to_vec();
        all.sort_unstable();
        let mut importable = IMPORTABLE.to_vec();
        importable.sort_unstable();
        assert_eq!(all, importable, "every importable entity's example is tried");
        // in the order they refer to one another: a transaction names the project the project example makes
        for entity in order {
            let mut book = duikou_app::template_workbook(entity).unwrap();
            // the example sheet moved to the front, as if its row were written on the sheet to fill in
            book.sheets.swap(0, 1);
            let r = import(&app, entity, &book, ImportMode::Write).await;
            assert!(r.problems.is_empty(), "{backend} {entity}: {:?}", r.problems);
            assert_eq!(r.rows, 1, "{backend} {entity}: {r:?}");
        }
    })
    .await;
}
