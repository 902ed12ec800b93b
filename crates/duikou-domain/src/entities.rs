//! The record's entities as Rust types: one struct per entity, decoded once where storage reads it, with money as
//! [`Money`], dates at their precision as [`RecDate`], enum fields as Rust enums and ids as one newtype per entity.
//! The generic description ([`crate::schema::EntityDef`]) stays for the generic edges (forms, import and export, the
//! OpenAPI document, the obligation language's field names); a test holds each struct equal to it, field by field.
//!
//! So far: [`Transaction`] (资金往来), the pattern the other entities follow, and [`Activity`] (活动).
//!
//! # Adding a field
//! 1. Add it to the entity's field list in `schema.rs` (its kind, label, whether it is required) and to the
//!    struct here, with the matching type: `Money`/`Option<Money>`, `RecDate`, a coded enum, an id newtype,
//!    `String`, `i64` … — `Option<…>` exactly when the schema's field is not required. An approximate figure
//!    (`approx(…)` in the schema) is three struct fields: the value, `{name}_approx: Option<Qualifier>` and
//!    `{name}_upper: Option<…>`.
//! 2. Add the column to the migrations of both backends (`crates/duikou-store/migrations/{sqlite,postgres}/`);
//!    duikou-store's `tests/schema_matches.rs` holds them to the schema.
//! 3. The compiler then points at the one decoder that builds the struct from a row (duikou-store's `typed.rs`),
//!    and the test `structs_agree_with_the_schema` below names any field the struct and the schema do not share
//!    (or share with another kind or optionality). The JSON form ([`Transaction::to_json`]) follows by itself.

use crate::approx::{Figure, Qualifier, QUALIFIER_OPTIONS};
use crate::schema::{self, FieldKind};
use crate::{Money, RecDate};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// What a struct field holds, in the terms the schema's fields are checked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A whole number that is not a reference (`version`).
    Int,
    /// The id of a record of the named entity (the record's own id, or a reference).
    Id(&'static str),
    /// A text.
    Text,
    /// A date at its precision.
    Date,
    /// Money.
    Money,
    /// One of these coded values (the schema's list, codes and labels).
    Enum(&'static [(&'static str, &'static str)]),
    /// A moment (`created_at`, `updated_at`).
    Timestamp,
}

/// A type a struct field may have, and what it holds; `Option<T>` is `T` made optional.
pub trait FieldType {
    /// What it holds.
    const SHAPE: Shape;
    /// Whether the value may be absent (`Option<…>`).
    const OPTIONAL: bool = false;
}

impl<T: FieldType> FieldType for Option<T> {
    const SHAPE: Shape = T::SHAPE;
    const OPTIONAL: bool = true;
}

impl FieldType for i64 {
    const SHAPE: Shape = Shape::Int;
}

impl FieldType for String {
    const SHAPE: Shape = Shape::Text;
}

impl FieldType for Money {
    const SHAPE: Shape = Shape::Money;
}

impl FieldType for RecDate {
    const SHAPE: Shape = Shape::Date;
}

impl FieldType for DateTime<Utc> {
    const SHAPE: Shape = Shape::Timestamp;
}

impl FieldType for Qualifier {
    const SHAPE: Shape = Shape::Enum(QUALIFIER_OPTIONS);
}

/// An entity's struct: its entity's name and each field's name and what it holds, in the struct's order (made by
/// the `typed_entity!` macro from the struct itself).
pub trait Typed {
    /// The entity (plural, as in the schema and the table).
    const ENTITY: &'static str;
    /// Each field: its name, what it holds, and whether it may be absent.
    const FIELDS: &'static [(&'static str, Shape, bool)];
}

/// An enum field's values as a Rust enum: its variants in the schema list's order, each with the list's code.
pub trait Coded: Sized + Copy + 'static {
    /// Every value, in the schema list's order.
    const ALL: &'static [Self];
    /// The schema's list of `(code, Chinese label)`.
    const OPTIONS: &'static [(&'static str, &'static str)];
    /// The stored code (`disbursement`).
    fn code(self) -> &'static str;
    /// The Chinese label, from the schema's list (拨付/到位).
    fn label_zh(self) -> &'static str {
        schema::enum_label(Self::OPTIONS, self.code())
    }
    /// The value of a stored code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// An enum over a schema list: the codes are written here, the labels are the list's (a test holds the codes to the
/// list, in order).
macro_rules! coded {
    ($(#[$m:meta])* pub enum $name:ident over $options:path { $($(#[$vm:meta])* $var:ident = $code:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vm])* $var,)+
        }

        impl Coded for $name {
            const ALL: &'static [Self] = &[$($name::$var,)+];
            const OPTIONS: &'static [(&'static str, &'static str)] = $options;
            fn code(self) -> &'static str {
                match self {
                    $($name::$var => $code,)+
                }
            }
        }

        impl FieldType for $name {
            const SHAPE: Shape = Shape::Enum($options);
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$name as Coded>::from_code(&s)
                    .ok_or_else(|| serde::de::Error::custom(format!("“{s}”不是可用的值")))
            }
        }
    };
}

/// One id newtype per entity, so a project's id cannot be passed where a pairing's is meant.
macro_rules! ids {
    ($($(#[$m:meta])* $name:ident => $entity:literal,)+) => {
        $(
            $(#[$m])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
            #[serde(transparent)]
            pub struct $name(pub i64);

            impl FieldType for $name {
                const SHAPE: Shape = Shape::Id($entity);
            }

            impl fmt::Display for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(f, "{}", self.0)
                }
            }
        )+
    };
}

ids! {
    /// A user's id.
    UserId => "users",
    /// A pairing's id.
    PairingId => "pairings",
    /// A project's id.
    ProjectId => "projects",
    /// A transaction's id.
    TransactionId => "transactions",
    /// An activity's id.
    ActivityId => "activities",
    /// A dispatch's id.
    DispatchId => "dispatches",
    /// A need's id.
    NeedId => "needs",
}

coded! {
    /// Where a fact stands with the other side.
    pub enum Confirmation over schema::CONFIRMATIONS {
        /// 待确认.
        Pending = "pending",
        /// 已确认.
        Confirmed = "confirmed",
        /// 有异议.
        Disputed = "disputed",
    }
}

coded! {
    /// Where money comes from.
    pub enum FundingSource over schema::FUNDING_SOURCES {
        /// 援助资金.
        Supporter = "supporter",
        /// 中央资金.
        Central = "central",
        /// 地方配套.
        Local = "local",
        /// 社会资金.
        Social = "social",
        /// 企业投资.
        Enterprise = "enterprise",
        /// 其他.
        Other = "other",
    }
}

coded! {
    /// What a transaction records: money promised, paid over, or spent.
    pub enum TransactionKind over schema::TRANSACTION_KINDS {
        /// 计划投资/承诺.
        Commitment = "commitment",
        /// 拨付/到位.
        Disbursement = "disbursement",
        /// 支出.
        Expenditure = "expenditure",
    }
}

coded! {
    /// What kind of activity (the schema's 活动类型).
    pub enum ActivityKind over schema::ACTIVITY_KINDS {
        /// 互访.
        Visit = "visit",
        /// 会议.
        Meeting = "meeting",
        /// 学术报告/讲座.
        Lecture = "lecture",
        /// 培训.
        Training = "training",
        /// 授课.
        Teaching = "teaching",
        /// 教研.
        TeachingResearch = "teaching_research",
        /// 巡查/监督检查.
        Inspection = "inspection",
        /// 捐赠.
        Donation = "donation",
        /// 夏令营.
        Camp = "camp",
        /// 赛事.
        Event = "event",
        /// 交流.
        Exchange = "exchange",
        /// 招生/学位培养.
        Enrollment = "enrollment",
        /// 科研合作.
        Research = "research",
        /// 其他.
        Other = "other",
    }
}

coded! {
    /// Whom an activity is for.
    pub enum Audience over schema::AUDIENCES {
        /// 全体教职工.
        AllStaff = "all_staff",
        /// 骨干教师.
        Backbone = "backbone",
        /// 教师.
        Teachers = "teachers",
        /// 管理人员.
        Managers = "managers",
        /// 干部.
        Cadres = "cadres",
        /// 学生.
        Students = "students",
        /// 专业技术人员.
        Professionals = "professionals",
        /// 群众.
        Public = "public",
        /// 其他.
        Other = "other",
    }
}

coded! {
    /// Which way an activity's people travelled.
    pub enum Direction over schema::ACTIVITY_DIRECTIONS {
        /// 出访: the supporter's people went to the receiver.
        ToReceiver = "to_receiver",
        /// 来访: the receiver's people came to the supporter.
        ToSupporter = "to_supporter",
    }
}

/// A struct and its [`Typed`] description, made from the one field list.
macro_rules! typed_entity {
    ($(#[$m:meta])* pub struct $name:ident in $entity:literal { $($(#[$fm:meta])* pub $f:ident: $t:ty,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$fm])* pub $f: $t,)+
        }

        impl Typed for $name {
            const ENTITY: &'static str = $entity;
            const FIELDS: &'static [(&'static str, Shape, bool)] =
                &[$((stringify!($f), <$t as FieldType>::SHAPE, <$t as FieldType>::OPTIONAL),)+];
        }
    };
}

typed_entity! {
    /// 资金往来: money committed to, paid over to or spent on a project, on a date.
    pub struct Transaction in "transactions" {
        /// Its id.
        pub id: TransactionId,
        /// Raised by every update, from 1.
        pub version: i64,
        /// When it was recorded.
        #[serde(with = "moment")]
        pub created_at: DateTime<Utc>,
        /// When it was last changed.
        #[serde(with = "moment")]
        pub updated_at: DateTime<Utc>,
        /// The project the money is for.
        pub project_id: ProjectId,
        /// The project's pairing (set by the server from the project).
        pub pairing_id: Option<PairingId>,
        /// Committed, disbursed or spent.
        pub kind: TransactionKind,
        /// Where the money comes from.
        pub source: FundingSource,
        /// How much (the low end of a range).
        pub amount: Money,
        /// The amount's qualifier (约, 余 …), if it is approximate.
        pub amount_approx: Option<Qualifier>,
        /// A range's high end, if the amount is a range.
        pub amount_upper: Option<Money>,
        /// When, at the precision known.
        #[serde(with = "written_date")]
        pub date: RecDate,
        /// A note.
        pub note: Option<String>,
        /// Where it stands with the receiving side.
        pub confirmation: Confirmation,
        /// Who confirmed or disputed it.
        pub confirmed_by: Option<UserId>,
        /// When it was confirmed or disputed.
        pub confirmed_at: Option<String>,
        /// Why it was disputed.
        pub dispute_reason: Option<String>,
    }
}

typed_entity! {
    /// 活动: a visit, training, lecture, gift … held for a pairing, with its counts (each approximate where the
    /// source says 余/约/近 or gives a range).
    pub struct Activity in "activities" {
        /// Its id.
        pub id: ActivityId,
        /// Raised by every update, from 1.
        pub version: i64,
        /// When it was recorded.
        #[serde(with = "moment")]
        pub created_at: DateTime<Utc>,
        /// When it was last changed.
        #[serde(with = "moment")]
        pub updated_at: DateTime<Utc>,
        /// The pairing it was held for.
        pub pairing_id: PairingId,
        /// What kind of activity.
        pub kind: ActivityKind,
        /// Its title.
        pub title: String,
        /// Whom it was for.
        pub audience: Option<Audience>,
        /// When it began, at the precision known.
        #[serde(with = "written_date")]
        pub start_date: RecDate,
        /// When it ended, if it ran over more than its first date.
        #[serde(default, with = "written_date_opt")]
        pub end_date: Option<RecDate>,
        /// Where (a region's code).
        pub region_code: Option<String>,
        /// 人次.
        pub person_times: Option<i64>,
        /// Its qualifier.
        pub person_times_approx: Option<Qualifier>,
        /// A range's high end.
        pub person_times_upper: Option<i64>,
        /// 场次.
        pub sessions: Option<i64>,
        /// Its qualifier.
        pub sessions_approx: Option<Qualifier>,
        /// A range's high end.
        pub sessions_upper: Option<i64>,
        /// 门次 (courses opened).
        pub courses: Option<i64>,
        /// Its qualifier.
        pub courses_approx: Option<Qualifier>,
        /// A range's high end.
        pub courses_upper: Option<i64>,
        /// 课时 (hours taught).
        pub hours: Option<i64>,
        /// Its qualifier.
        pub hours_approx: Option<Qualifier>,
        /// A range's high end.
        pub hours_upper: Option<i64>,
        /// 台（套/件） (goods given).
        pub items: Option<i64>,
        /// Its qualifier.
        pub items_approx: Option<Qualifier>,
        /// A range's high end.
        pub items_upper: Option<i64>,
        /// Money given or spent.
        pub amount: Option<Money>,
        /// Its qualifier.
        pub amount_approx: Option<Qualifier>,
        /// A range's high end.
        pub amount_upper: Option<Money>,
        /// Who took part (names, as written).
        pub participants: Option<String>,
        /// Which way its people travelled.
        pub direction: Option<Direction>,
        /// The project it belongs to.
        pub project_id: Option<ProjectId>,
        /// The dispatch it belongs to.
        pub dispatch_id: Option<DispatchId>,
        /// The need it answers.
        pub need_id: Option<NeedId>,
        /// A description.
        pub description: Option<String>,
        /// Where it stands with the receiving side.
        pub confirmation: Confirmation,
        /// Who confirmed or disputed it.
        pub confirmed_by: Option<UserId>,
        /// When it was confirmed or disputed.
        pub confirmed_at: Option<String>,
        /// Why it was disputed.
        pub dispute_reason: Option<String>,
    }
}

/// A count and its companions as a figure; `None` when the count is not given.
fn figure(value: Option<i64>, qualifier: Option<Qualifier>, upper: Option<i64>) -> Option<Figure> {
    value.map(|value| Figure {
        value,
        qualifier,
        upper,
    })
}

impl Activity {
    /// 人次 as a figure, if given.
    pub fn person_times_figure(&self) -> Option<Figure> {
        figure(self.person_times, self.person_times_approx, self.person_times_upper)
    }

    /// 场次 as a figure, if given.
    pub fn sessions_figure(&self) -> Option<Figure> {
        figure(self.sessions, self.sessions_approx, self.sessions_upper)
    }

    /// 门次 as a figure, if given.
    pub fn courses_figure(&self) -> Option<Figure> {
        figure(self.courses, self.courses_approx, self.courses_upper)
    }

    /// 课时 as a figure, if given.
    pub fn hours_figure(&self) -> Option<Figure> {
        figure(self.hours, self.hours_approx, self.hours_upper)
    }

    /// 台（套/件） as a figure, if given.
    pub fn items_figure(&self) -> Option<Figure> {
        figure(self.items, self.items_approx, self.items_upper)
    }

    /// The money as a figure (raw fen), if given.
    pub fn amount_figure(&self) -> Option<Figure> {
        figure(
            self.amount.map(Money::fen),
            self.amount_approx,
            self.amount_upper.map(Money::fen),
        )
    }

    /// The record as the API answers it (the same JSON a generic read of the row gives).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// A record in the API's JSON form read back.
    pub fn from_json(v: &Value) -> Result<Activity, String> {
        Activity::deserialize(v).map_err(|e| format!("活动记录无法读取：{e}"))
    }
}

impl Transaction {
    /// The amount as a figure (raw fen), for totals by the one summing rule ([`crate::approx::Total`]).
    pub fn amount_figure(&self) -> Figure {
        Figure {
            value: self.amount.fen(),
            qualifier: self.amount_approx,
            upper: self.amount_upper.map(Money::fen),
        }
    }

    /// The record as the API answers it (the same JSON a generic read of the row gives).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// A record in the API's JSON form read back.
    pub fn from_json(v: &Value) -> Result<Transaction, String> {
        Transaction::deserialize(v).map_err(|e| format!("资金往来记录无法读取：{e}"))
    }
}

/// A date in its written form at its precision (`2011`, `2014-06`, `2014-06-15`).
mod written_date {
    use crate::RecDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &RecDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<RecDate, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A date that may be absent, in its written form at its precision (`null` when absent).
mod written_date_opt {
    use crate::RecDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<RecDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RecDate>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A moment as the API writes it: RFC 3339 to the second, in UTC (`2026-12-07T06:15:39Z`).
mod moment {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

/// What a schema field (or a system column) holds, in a struct's terms: `None` for kinds no struct has yet.
fn shape_of(kind: FieldKind, refs: Option<(&'static str, &'static str)>) -> Option<Shape> {
    Some(match (kind, refs) {
        (FieldKind::Int, Some((entity, "id"))) => Shape::Id(entity),
        (FieldKind::Int, _) => Shape::Int,
        (FieldKind::Text | FieldKind::LongText, None | Some((_, "code"))) => Shape::Text,
        (FieldKind::Money, _) => Shape::Money,
        (FieldKind::Date, _) => Shape::Date,
        (FieldKind::Enum(options), _) => Shape::Enum(options),
        _ => return None,
    })
}

/// Where a struct and its entity's schema differ, one line per field; empty when they agree. The schema's side is
/// its system columns (`id` an id of the entity itself, `version` a number, the two moments) and its stored fields
/// (with the confirmation fields of a confirmable entity), each required field a plain type and every other an
/// `Option`.
pub fn disagreements<T: Typed>() -> Vec<String> {
    let Some(def) = schema::entity(T::ENTITY) else {
        return vec![format!("{}: no such entity in the schema", T::ENTITY)];
    };
    let mut expected: Vec<(&'static str, Option<Shape>, bool)> = vec![
        ("id", Some(Shape::Id(def.name)), false),
        ("version", Some(Shape::Int), false),
        ("created_at", Some(Shape::Timestamp), false),
        ("updated_at", Some(Shape::Timestamp), false),
    ];
    expected.extend(
        def.stored_fields()
            .map(|f| (f.name, shape_of(f.kind, f.refs), !f.required)),
    );
    let mut out = Vec::new();
    for (name, shape, optional) in &expected {
        match T::FIELDS.iter().find(|(n, _, _)| n == name) {
            None => out.push(format!("{}.{name}: in the schema, missing from the struct", def.name)),
            Some((_, s, o)) => {
                if Some(*s) != *shape {
                    out.push(format!(
                        "{}.{name}: the struct holds {s:?}, the schema {shape:?}",
                        def.name
                    ));
                }
                if o != optional {
                    let word = |o: bool| if o { "optional" } else { "required" };
                    out.push(format!(
                        "{}.{name}: {} in the struct, {} in the schema",
                        def.name,
                        word(*o),
                        word(*optional)
                    ));
                }
            }
        }
    }
    for (name, _, _) in T::FIELDS {
        if !expected.iter().any(|(n, _, _)| n == name) {
            out.push(format!("{}.{name}: in the struct, missing from the schema", def.name));
        }
    }
    out
}

/// Where a coded enum and its schema list differ (codes, in order); empty when they agree.
pub fn coded_disagreements<T: Coded + fmt::Debug>() -> Vec<String> {
    let codes: Vec<&str> = T::ALL.iter().map(|v| v.code()).collect();
    let listed: Vec<&str> = T::OPTIONS.iter().map(|(c, _)| *c).collect();
    if codes == listed {
        Vec::new()
    } else {
        vec![format!(
            "{}: the enum's codes {codes:?} are not the schema's {listed:?}",
            std::any::type_name::<T>()
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn structs_agree_with_the_schema() {
        let mut wrong = disagreements::<Transaction>();
        wrong.extend(disagreements::<Activity>());
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn enums_agree_with_the_schema_lists() {
        let mut wrong = coded_disagreements::<TransactionKind>();
        wrong.extend(coded_disagreements::<FundingSource>());
        wrong.extend(coded_disagreements::<Confirmation>());
        wrong.extend(coded_disagreements::<ActivityKind>());
        wrong.extend(coded_disagreements::<Audience>());
        wrong.extend(coded_disagreements::<Direction>());
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert_eq!(TransactionKind::Disbursement.label_zh(), "拨付/到位");
        assert_eq!(FundingSource::Local.label_zh(), "地方配套");
        let kinds = schema::entity("transactions")
            .and_then(|d| d.field("kind"))
            .map(|f| f.kind);
        assert_eq!(kinds, Some(FieldKind::Enum(TransactionKind::OPTIONS)));
    }

    /// The check itself: a field on one side only, or of another kind or optionality, is named.
    #[test]
    fn a_field_the_schema_lacks_is_named() {
        struct Extra;
        impl Typed for Extra {
            const ENTITY: &'static str = "transactions";
            const FIELDS: &'static [(&'static str, Shape, bool)] = &[
                ("id", Shape::Id("transactions"), false),
                ("amount", Shape::Money, true),
                ("kind", Shape::Text, false),
                ("colour", Shape::Text, true),
            ];
        }
        let wrong = disagreements::<Extra>().join("\n");
        for expected in [
            "transactions.colour: in the struct, missing from the schema",
            "transactions.note: in the schema, missing from the struct",
            "transactions.amount: optional in the struct, required in the schema",
            "transactions.kind: the struct holds Text",
        ] {
            assert!(wrong.contains(expected), "{expected} not in:\n{wrong}");
        }
    }

    #[test]
    fn a_transaction_reads_and_writes_the_api_json() {
        let v = json!({
            "id": 7, "version": 2, "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:06Z",
            "project_id": 3, "pairing_id": 1, "kind": "disbursement", "source": "supporter",
            "amount": "10000000.00", "amount_approx": "约", "amount_upper": null, "date": "2014-06",
            "note": null, "confirmation": "pending", "confirmed_by": null, "confirmed_at": null,
            "dispute_reason": null
        });
        let t = Transaction::from_json(&v).unwrap();
        assert_eq!(t.kind, TransactionKind::Disbursement);
        assert_eq!(t.amount, Money::from_wan(1000));
        assert_eq!(t.date, RecDate::month(2014, 6).unwrap());
        assert_eq!(t.amount_figure().qualifier, Some(Qualifier::Yue));
        assert_eq!(t.to_json(), v);
        let bad = Transaction::from_json(&json!({"id": 1})).unwrap_err();
        assert!(bad.contains("资金往来"), "{bad}");
    }
}
