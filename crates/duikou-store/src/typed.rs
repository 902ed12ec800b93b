//! Typed reads: rows decoded once, here, into the domain's entity structs ([`duikou_domain::entities`]), on both
//! backends. The columns a read selects come from the struct's own description ([`Typed::FIELDS`]); the struct is
//! built in one place per entity, so a field added to the struct points the compiler here.

use crate::db::{Arg, Kind, RowSink, Val};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use duikou_domain::approx::Qualifier;
use duikou_domain::date::{attribute, record_interval};
use duikou_domain::entities::{
    Activity, ActivityId, Coded, DispatchId, NeedId, PairingId, ProjectId, Shape, Transaction, TransactionId, Typed,
    UserId,
};
use duikou_domain::Attribution;
use duikou_domain::{Money, RecDate};
use duikou_summary::ActivityLot;
use std::ops::ControlFlow;

/// The columns of a typed read of `T` and the kinds to read them as: each field by its name, a date as its first
/// day followed by its precision column.
fn columns_of<T: Typed>() -> (Vec<String>, Vec<Kind>) {
    let (mut names, mut kinds) = (Vec::new(), Vec::new());
    for (name, shape, _) in T::FIELDS {
        names.push(name.to_string());
        kinds.push(match shape {
            Shape::Int | Shape::Id(_) | Shape::Money => Kind::Int,
            Shape::Text | Shape::Enum(_) => Kind::Text,
            Shape::Timestamp => Kind::Ts,
            Shape::Date => Kind::Date,
        });
        if *shape == Shape::Date {
            names.push(crate::rows::precision_col(name));
            kinds.push(Kind::Text);
        }
    }
    (names, kinds)
}

/// One row of a typed read, its values found by column name. A value the column cannot hold (a NULL in a required
/// field, an unknown code) is an error naming the entity, the record and the field: the database, not a user, is
/// at fault.
struct Row<'a> {
    entity: &'static str,
    names: &'a [String],
    vals: &'a mut [Val],
    /// Where the next name is looked for first: a decoder reads the fields in the order the read selects them, so
    /// each is found at the first comparison rather than by a search of every column (of every row).
    next: usize,
}

impl Row<'_> {
    /// The position of a column, searched from where the last one was found.
    fn at(&mut self, name: &str) -> Option<usize> {
        let n = self.names.len();
        let i = (0..n).map(|k| (self.next + k) % n).find(|&i| self.names[i] == name)?;
        self.next = i + 1;
        Some(i)
    }

    fn val(&mut self, name: &str) -> &Val {
        static NULL: Val = Val::Int(None);
        match self.at(name) {
            Some(i) => &self.vals[i],
            None => &NULL,
        }
    }

    fn bad(&mut self, name: &str) -> StoreError {
        let id = self.val("id").int().unwrap_or(0);
        StoreError::Other(format!("{}#{id} 的字段 {name} 无法读取", self.entity))
    }

    fn opt_int(&mut self, name: &str) -> Option<i64> {
        self.val(name).int()
    }

    fn int(&mut self, name: &str) -> Result<i64> {
        self.opt_int(name).ok_or_else(|| self.bad(name))
    }

    /// The text, moved out of the row (each column is read once).
    fn opt_text(&mut self, name: &str) -> Option<String> {
        let i = self.at(name)?;
        match std::mem::replace(&mut self.vals[i], Val::Text(None)) {
            Val::Text(t) => t,
            _ => None,
        }
    }

    fn ts(&mut self, name: &str) -> Result<DateTime<Utc>> {
        self.val(name).ts().ok_or_else(|| self.bad(name))
    }

    fn money(&mut self, name: &str) -> Result<Money> {
        self.int(name).map(Money::from_fen)
    }

    fn opt_money(&mut self, name: &str) -> Option<Money> {
        self.opt_int(name).map(Money::from_fen)
    }

    fn coded<T: Coded>(&mut self, name: &str) -> Result<T> {
        self.val(name)
            .text()
            .and_then(T::from_code)
            .ok_or_else(|| self.bad(name))
    }

    fn opt_coded<T: Coded>(&mut self, name: &str) -> Result<Option<T>> {
        let Some(code) = self.val(name).text() else {
            return Ok(None);
        };
        match T::from_code(code) {
            Some(t) => Ok(Some(t)),
            None => Err(self.bad(name)),
        }
    }

    fn qualifier(&mut self, name: &str) -> Result<Option<Qualifier>> {
        let Some(text) = self.val(name).text() else {
            return Ok(None);
        };
        match text.parse() {
            Ok(q) => Ok(Some(q)),
            Err(_) => Err(self.bad(name)),
        }
    }

    /// A date at its precision: its first day, and the precision column [`columns_of`] selects right after it.
    fn opt_date(&mut self, name: &str) -> Option<RecDate> {
        let i = self.at(name)?;
        let first = self.vals[i].date()?;
        let precision = self.vals.get(i + 1).and_then(Val::text);
        self.next = i + 2;
        Some(RecDate::from_stored(first, precision))
    }

    fn date(&mut self, name: &str) -> Result<RecDate> {
        self.opt_date(name).ok_or_else(|| self.bad(name))
    }
}

/// A transaction from its row: the one place its struct is built from storage.
fn transaction(r: &mut Row) -> Result<Transaction> {
    Ok(Transaction {
        id: TransactionId(r.int("id")?),
        version: r.int("version")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        project_id: ProjectId(r.int("project_id")?),
        pairing_id: r.opt_int("pairing_id").map(PairingId),
        kind: r.coded("kind")?,
        source: r.coded("source")?,
        amount: r.money("amount")?,
        amount_approx: r.qualifier("amount_approx")?,
        amount_upper: r.opt_money("amount_upper"),
        date: r.date("date")?,
        note: r.opt_text("note"),
        confirmation: r.coded("confirmation")?,
        confirmed_by: r.opt_int("confirmed_by").map(UserId),
        confirmed_at: r.opt_text("confirmed_at"),
        dispute_reason: r.opt_text("dispute_reason"),
    })
}

/// An activity from its row: the one place its struct is built from storage.
fn activity(r: &mut Row) -> Result<Activity> {
    Ok(Activity {
        id: ActivityId(r.int("id")?),
        version: r.int("version")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        pairing_id: PairingId(r.int("pairing_id")?),
        kind: r.coded("kind")?,
        title: r.opt_text("title").ok_or_else(|| r.bad("title"))?,
        audience: r.opt_coded("audience")?,
        start_date: r.date("start_date")?,
        end_date: r.opt_date("end_date"),
        region_code: r.opt_text("region_code"),
        person_times: r.opt_int("person_times"),
        person_times_approx: r.qualifier("person_times_approx")?,
        person_times_upper: r.opt_int("person_times_upper"),
        sessions: r.opt_int("sessions"),
        sessions_approx: r.qualifier("sessions_approx")?,
        sessions_upper: r.opt_int("sessions_upper"),
        courses: r.opt_int("courses"),
        courses_approx: r.qualifier("courses_approx")?,
        courses_upper: r.opt_int("courses_upper"),
        hours: r.opt_int("hours"),
        hours_approx: r.qualifier("hours_approx")?,
        hours_upper: r.opt_int("hours_upper"),
        items: r.opt_int("items"),
        items_approx: r.qualifier("items_approx")?,
        items_upper: r.opt_int("items_upper"),
        amount: r.opt_money("amount"),
        amount_approx: r.qualifier("amount_approx")?,
        amount_upper: r.opt_money("amount_upper"),
        participants: r.opt_text("participants"),
        direction: r.opt_coded("direction")?,
        project_id: r.opt_int("project_id").map(ProjectId),
        dispatch_id: r.opt_int("dispatch_id").map(DispatchId),
        need_id: r.opt_int("need_id").map(NeedId),
        description: r.opt_text("description"),
        confirmation: r.coded("confirmation")?,
        confirmed_by: r.opt_int("confirmed_by").map(UserId),
        confirmed_at: r.opt_text("confirmed_at"),
        dispute_reason: r.opt_text("dispute_reason"),
    })
}

/// What holds the structs a typed read keeps, one at a time as they are decoded.
trait Hold<T>: Send + 'static {
    fn hold(&mut self, t: T);
}

impl<T: Send + 'static> Hold<T> for Vec<T> {
    fn hold(&mut self, t: T) {
        self.push(t);
    }
}

/// A summary's activities, packed.
impl Hold<Activity> for ActivityLot {
    fn hold(&mut self, a: Activity) {
        self.push(a);
    }
}

/// Which structs of a typed read to keep, decided on each as it arrives (the rest are dropped).
type Keep<T> = Box<dyn Fn(&T) -> bool + Send>;

/// The structs of a typed read, decoded as the rows arrive, those `keep` passes handed to `into`; the first row that
/// cannot be decoded stops the read.
struct Decode<T, H> {
    names: Vec<String>,
    decode: fn(&mut Row) -> Result<T>,
    keep: Keep<T>,
    into: H,
    failed: Option<StoreError>,
}

impl<T: Typed + Send + 'static, H: Hold<T>> RowSink for Decode<T, H> {
    fn row(&mut self, mut vals: Vec<Val>) -> ControlFlow<()> {
        let mut row = Row {
            entity: T::ENTITY,
            names: &self.names,
            vals: &mut vals,
            next: 0,
        };
        match (self.decode)(&mut row) {
            Ok(t) => {
                if (self.keep)(&t) {
                    self.into.hold(t);
                }
                ControlFlow::Continue(())
            }
            Err(e) => {
                self.failed = Some(e);
                ControlFlow::Break(())
            }
        }
    }
}

/// At most this many pairings in one statement (its `IN` list).
const LOT: usize = 500;

impl Store {
    /// The records of `T` of these pairings, typed by `decode` as they arrive, those `keep` passes handed to `into`,
    /// each lot of pairings in one read ordered by `order`; `cond` (with its arguments `cond_args`, numbered from `$1`)
    /// narrows them. Only what `into` holds is held.
    async fn typed_into<T: Typed + Send + 'static, H: Hold<T>>(
        &self,
        pairings: &[PairingId],
        (cond, cond_args): (&str, &[Arg]),
        order: &str,
        decode: fn(&mut Row) -> Result<T>,
        keep: impl Fn(&T) -> bool + Clone + Send + 'static,
        mut into: H,
    ) -> Result<H> {
        let (names, kinds) = columns_of::<T>();
        for lot in pairings.chunks(LOT) {
            let mut args: Vec<Arg> = cond_args.to_vec();
            let first = args.len() + 1;
            let marks: Vec<String> = (first..first + lot.len()).map(|i| format!("${i}")).collect();
            args.extend(lot.iter().map(|p| Arg::Int(Some(p.0))));
            let sql = format!(
                "SELECT {} FROM {} WHERE {cond}pairing_id IN ({}) ORDER BY {order}",
                names.join(", "),
                T::ENTITY,
                marks.join(", ")
            );
            // each row decoded as it arrives, where it is read: only what `into` holds is held
            let sink = Decode {
                names: names.clone(),
                decode,
                keep: Box::new(keep.clone()),
                into,
                failed: None,
            };
            let done = self.db().fetch_each(sql, args, kinds.clone(), sink).await?;
            if let Some(e) = done.failed {
                return Err(e);
            }
            into = done.into;
        }
        Ok(into)
    }

    /// The transactions of these pairings, typed, in each pairing's order by date then id; with `within`, only those
    /// whose date's first day lies in it (both ends included).
    pub async fn transactions_of(
        &self,
        pairings: &[PairingId],
        within: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Vec<Transaction>> {
        let (cond, args) = match within {
            Some((from, to)) => (
                "date >= $1 AND date <= $2 AND ",
                vec![Arg::Date(Some(from)), Arg::Date(Some(to))],
            ),
            None => ("", Vec::new()),
        };
        self.typed_into(pairings, (cond, &args), "date, id", transaction, |_| true, Vec::new())
            .await
    }

    /// The activities of these pairings, typed, by pairing (in the order given), each pairing's by start date then
    /// id; with `within`, only those whose days reach into it, all of them or some (those wholly before or after it are
    /// never held: the rows that may reach into it are read, and each is placed by all of its days as it arrives).
    pub async fn activities_of(
        &self,
        pairings: &[PairingId],
        within: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Vec<Activity>> {
        let (cond, args, keep) = activities_within(within);
        let mut out = self
            .typed_into(pairings, (cond, &args), "start_date, id", activity, keep, Vec::new())
            .await?;
        let position = positions(pairings);
        // in place (a stable sort would need room for half of them again): the key is the whole order, ids unique
        out.sort_unstable_by_key(|a| (position(a.pairing_id.0), a.start_date.first, a.id));
        Ok(out)
    }

    /// The activities [`Store::activities_of`] reads, in its order, held as a summary holds them: of each only what
    /// the writer reads, packed.
    pub async fn summary_activities_of(
        &self,
        pairings: &[PairingId],
        within: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<ActivityLot> {
        let (cond, args, keep) = activities_within(within);
        let mut lot = self
            .typed_into(
                pairings,
                (cond, &args),
                "start_date, id",
                activity,
                keep,
                ActivityLot::default(),
            )
            .await?;
        lot.sort(positions(pairings));
        Ok(lot)
    }
}

/// Each pairing's place in `pairings` (those not in it last).
fn positions(pairings: &[PairingId]) -> impl Fn(i64) -> usize {
    let position: std::collections::HashMap<i64, usize> = pairings.iter().enumerate().map(|(i, p)| (p.0, i)).collect();
    move |p| position.get(&p).copied().unwrap_or(usize::MAX)
}

/// The condition (and its arguments) that reads the activities whose days may reach into `within`, and the test
/// that keeps those that do, by all of their days.
fn activities_within(
    within: Option<(NaiveDate, NaiveDate)>,
) -> (
    &'static str,
    Vec<Arg>,
    impl Fn(&Activity) -> bool + Clone + Send + 'static,
) {
    let keep = move |a: &Activity| {
        within.is_none_or(|w| attribute(record_interval(a.start_date, a.end_date), w) != Attribution::Out)
    };
    match within {
        None => ("", Vec::new(), keep),
        Some((from, to)) => {
            // a date column holds the first day of its month or year: an end known to its year only (stored as
            // 1 January) may reach into a period that begins later that year; read by date (the index on each
            // pairing's last day finds them), then put in the pairings' order
            let read_from = NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from);
            (
                "start_date <= $2 AND COALESCE(end_date, start_date) >= $1 AND ",
                vec![Arg::Date(Some(read_from)), Arg::Date(Some(to))],
                keep,
            )
        }
    }
}
