//! An export holds no more records than a worksheet can: a longer list is refused with its count (where known) and
//! the way to narrow it, before the records are read — on both backends, whether the list's count is exact or only
//! a lower bound.

use duikou_app::{App, AppError};
use duikou_store::testing::{create_id, for_each_backend};
use serde_json::json;

#[tokio::test]
async fn an_export_longer_than_a_sheet_is_refused_naming_the_limit() {
    for_each_backend(|store, backend| async move {
        let app = App::new(store.clone());
        for name in ["甲县教育局", "乙县教育局", "丙县教育局"] {
            create_id(&store, "orgs", json!({"name": name, "kind": "government"})).await;
        }
        let all = app.export("orgs", Vec::<(String, String)>::new()).await.unwrap();
        let n = all.records as i64;
        assert!(n >= 3, "{backend}");
        // within the limit: written whole
        let within = app
            .export_within("orgs", Vec::<(String, String)>::new(), n)
            .await
            .unwrap();
        assert_eq!(within.records, all.records, "{backend}");
        // one over: refused, the message says how many and how to narrow it
        let err = app
            .export_within("orgs", Vec::<(String, String)>::new(), n - 1)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::TooManyRows { .. }), "{backend}: {err:?}");
        let text = err.to_string();
        assert!(text.contains(&format!("共 {n} 条")), "{backend}: {text}");
        assert!(
            text.contains(&format!("上限（{} 条）", n - 1)) && text.contains("筛选"),
            "{backend}: {text}"
        );
        // a filter narrows it below the limit
        let one = app.export_within("orgs", [("q", "乙县教育局")], 1).await.unwrap();
        assert_eq!(one.records, 1, "{backend}");
    })
    .await;
}
