//! Short reads (`Db::look_up`) answer exactly what the pool's reads (`Db::fetch`) answer, for every column kind,
//! NULLs, arguments named out of order and values written by the other path — on both backends. On SQLite they are
//! read beside sqlx's worker thread, so this is where the two decoders are held to each other.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use duikou_store::db::{Arg, Kind};
use duikou_store::testing::TestStore;
use serde_json::json;

const KINDS: [Kind; 8] = [
    Kind::Int,
    Kind::Int,
    Kind::Text,
    Kind::Date,
    Kind::Bool,
    Kind::Json,
    Kind::Ts,
    Kind::Bytes,
];

fn row(id: i64, ts: Option<DateTime<Utc>>) -> Vec<Arg> {
    vec![
        Arg::Int(Some(id)),
        Arg::Int(Some(-9_007_199_254_740_993)),
        Arg::Text(Some("吐鲁番 支教 'quoted' \"double\" <b>".into())),
        Arg::Date(NaiveDate::from_ymd_opt(2013, 10, 15)),
        Arg::Bool(Some(id % 2 == 0)),
        Arg::Json(Some(
            json!({"批次": 3, "names": ["甲", "乙"], "ratio": 0.8, "none": null}),
        )),
        Arg::Ts(ts),
        Arg::Bytes(Some(vec![0, 1, 2, 255])),
    ]
}

fn nulls(id: i64) -> Vec<Arg> {
    vec![
        Arg::Int(Some(id)),
        Arg::Int(None),
        Arg::Text(None),
        Arg::Date(None),
        Arg::Bool(None),
        Arg::Json(None),
        Arg::Ts(None),
        Arg::Bytes(None),
    ]
}

#[tokio::test]
async fn short_reads_answer_what_the_pool_answers() {
    for t in TestStore::all().await.unwrap() {
        let db = t.store.db();
        let (json, ts, bytes) = match db.backend() {
            duikou_store::Backend::Sqlite => ("TEXT", "TEXT", "BLOB"),
            duikou_store::Backend::Postgres => ("JSONB", "TIMESTAMPTZ", "BYTEA"),
        };
        db.execute(
            &format!(
                "CREATE TABLE quick_probe (id BIGINT PRIMARY KEY, n BIGINT, t TEXT, d DATE, b BOOLEAN, j {json}, \
                 ts {ts}, bl {bytes})"
            ),
            &[],
        )
        .await
        .unwrap();
        let insert = "INSERT INTO quick_probe (id, n, t, d, b, j, ts, bl) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        let times = [
            Utc.with_ymd_and_hms(2026, 11, 28, 21, 5, 7).unwrap(),
            Utc.timestamp_opt(1_764_363_907, 123_000_000).unwrap(),
            Utc.timestamp_opt(1_764_363_907, 123_456_000).unwrap(),
        ];
        for (i, at) in times.iter().enumerate() {
            db.execute(insert, &row(i as i64 + 1, Some(*at))).await.unwrap();
        }
        db.execute(insert, &nulls(10)).await.unwrap();

        let select = "SELECT id, n, t, d, b, j, ts, bl FROM quick_probe";
        let all = format!("{select} ORDER BY id");
        let pooled = db.fetch(&all, &[], &KINDS).await.unwrap();
        let quick = db.look_up(&all, &[], &KINDS).await.unwrap();
        assert_eq!(pooled.len(), 4, "{}", t.backend);
        assert_eq!(quick, pooled, "{}: every kind and NULL", t.backend);
        for (i, at) in times.iter().enumerate() {
            assert_eq!(
                quick[i],
                row(i as i64 + 1, Some(*at)),
                "{}: read back as written",
                t.backend
            );
        }
        assert_eq!(quick[3], nulls(10), "{}", t.backend);

        // arguments named out of order and twice, and one of each kind compared in SQL with what the pool wrote
        let sql = format!(
            "{select} WHERE t = $2 AND id >= $1 AND id <= $1 + 1 AND d = $3 AND ts <= $4 AND b = $5 ORDER BY id"
        );
        let args = [
            Arg::Int(Some(1)),
            Arg::Text(Some("吐鲁番 支教 'quoted' \"double\" <b>".into())),
            Arg::Date(NaiveDate::from_ymd_opt(2013, 10, 15)),
            Arg::Ts(Some(times[0])),
            Arg::Bool(Some(true)),
        ];
        let pooled = db.fetch(&sql, &args, &KINDS).await.unwrap();
        let quick = db.look_up(&sql, &args, &KINDS).await.unwrap();
        assert_eq!(pooled.len(), 1, "{}: only id 2 is even in 1..=2", t.backend);
        assert_eq!(quick, pooled, "{}", t.backend);
        assert_eq!(
            db.look_up_opt(&format!("{select} WHERE id = $1"), &[Arg::Int(Some(99))], &KINDS)
                .await
                .unwrap(),
            None
        );

        // a short read sees a write made through the pool at once (another connection, same file)
        db.execute(
            "UPDATE quick_probe SET t = $1 WHERE id = $2",
            &[Arg::Text(Some("改".into())), Arg::Int(Some(1))],
        )
        .await
        .unwrap();
        let after = db
            .look_up_opt(
                "SELECT t FROM quick_probe WHERE id = $1",
                &[Arg::Int(Some(1))],
                &[Kind::Text],
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after[0].text(), Some("改"), "{}", t.backend);

        // a bad statement is an error, not a panic
        assert!(db
            .look_up("SELECT nope FROM quick_probe", &[], &[Kind::Int])
            .await
            .is_err());
        t.finish().await.unwrap();
    }
}
