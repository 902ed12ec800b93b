//! The activities of a summary as it holds them: of each, only what the writer reads (its id, pairing, kind,
//! standing, dates, counts and title, and a disputed one's reason), packed. A year of a large program holds a quarter
//! of a million activities and its whole term millions; a typed [`Activity`] takes 480 bytes and its texts more,
//! while one held here takes about a quarter of that.

use chrono::{DateTime, Utc};
use duikou_domain::approx::{Figure, Qualifier};
use duikou_domain::entities::{
    Activity, ActivityId, ActivityKind, Confirmation, FundingSource, PairingId, ProjectId, Transaction, TransactionId,
    TransactionKind,
};
use duikou_domain::{Money, RecDate};

/// Where each count is kept in [`Held::counts`].
#[derive(Clone, Copy)]
enum Count {
    PersonTimes = 0,
    Sessions,
    Courses,
    Hours,
    Items,
    /// Money, in fen.
    Amount,
}

/// How many counts an activity carries.
const COUNTS: usize = 6;

/// A count not given.
const ABSENT: i64 = i64::MIN;

/// One activity, packed; its texts are in its lot's.
#[derive(Clone)]
struct Held {
    id: i64,
    pairing_id: i64,
    start: RecDate,
    end: Option<RecDate>,
    /// Each count's value ([`ABSENT`] when not given), by [`Count`].
    counts: [i64; COUNTS],
    /// Each count's qualifier.
    qualifiers: [Option<Qualifier>; COUNTS],
    /// Each count's high end, for the few given as a range.
    uppers: Option<Box<[Option<i64>; COUNTS]>>,
    /// Where its title lies: the piece of the lot's text, and from where to where in it.
    title: (u32, u32, u32),
    /// Its dispute reason's place among the lot's reasons, [`NO_REASON`] when it has none.
    reason: u32,
    kind: ActivityKind,
    confirmation: Confirmation,
}

/// An activity without a dispute reason.
const NO_REASON: u32 = u32::MAX;

/// How many activities one piece of a lot holds.
const PIECE: usize = 4096;

/// How many bytes of titles one piece of a lot's text holds.
const TEXT_PIECE: usize = 256 * 1024;

/// The activities of one read, held: each packed, their titles in a few long texts. Both are kept in pieces of a
/// fixed size, so a lot grows without ever copying what it holds (a vector doubled as it grows holds, while it is
/// copied, three times what it needs), and their order is kept apart, as each one's place.
#[derive(Clone, Default)]
pub struct ActivityLot {
    pieces: Vec<Vec<Held>>,
    text: Vec<String>,
    reasons: Vec<String>,
    /// The places of the activities in order (into `pieces`, counted across them), once sorted; until then they are
    /// in the order they came.
    order: Option<Vec<u32>>,
}

impl std::fmt::Debug for ActivityLot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ActivityLot({} activities)", self.len())
    }
}

impl ActivityLot {
    /// Holds one more activity (what the writer does not read of it is dropped).
    pub fn push(&mut self, a: Activity) {
        let figures = [
            a.person_times_figure(),
            a.sessions_figure(),
            a.courses_figure(),
            a.hours_figure(),
            a.items_figure(),
            a.amount_figure(),
        ];
        let mut counts = [ABSENT; COUNTS];
        let mut qualifiers = [None; COUNTS];
        let mut uppers = [None; COUNTS];
        for (i, f) in figures.into_iter().enumerate() {
            if let Some(f) = f {
                counts[i] = f.value;
                qualifiers[i] = f.qualifier;
                uppers[i] = f.upper;
            }
        }
        let title = self.keep_text(&a.title);
        let reason = match a.dispute_reason {
            Some(r) => {
                self.reasons.push(r);
                (self.reasons.len() - 1) as u32
            }
            None => NO_REASON,
        };
        // the first piece grows as a small lot's does (a lot of a few gifts stays small), the others are made whole
        match self.pieces.last() {
            None => self.pieces.push(Vec::new()),
            Some(p) if p.len() == PIECE => self.pieces.push(Vec::with_capacity(PIECE)),
            Some(_) => {}
        }
        // a lot that was sorted and is pushed to again is in the order it came
        self.order = None;
        let piece = self.pieces.last_mut().expect("a piece was just made");
        piece.push(Held {
            id: a.id.0,
            pairing_id: a.pairing_id.0,
            start: a.start_date,
            end: a.end_date,
            counts,
            qualifiers,
            uppers: uppers.iter().any(Option::is_some).then(|| Box::new(uppers)),
            title,
            reason,
            kind: a.kind,
            confirmation: a.confirmation,
        });
    }

    /// Keeps a title in the lot's text: where it lies.
    fn keep_text(&mut self, t: &str) -> (u32, u32, u32) {
        // as the pieces of activities: the first grows, the others are made whole
        match self.text.last() {
            None => self.text.push(String::new()),
            Some(p) if !p.is_empty() && p.len() + t.len() > TEXT_PIECE => {
                self.text.push(String::with_capacity(TEXT_PIECE.max(t.len())))
            }
            Some(_) => {}
        }
        let at = self.text.len() - 1;
        let piece = &mut self.text[at];
        let from = piece.len();
        piece.push_str(t);
        (at as u32, from as u32, piece.len() as u32)
    }

    /// The activity at a place (counted across the pieces).
    fn at(&self, i: usize) -> &Held {
        &self.pieces[i / PIECE][i % PIECE]
    }

    /// Puts the activities in order: by `position` of their pairing, then by start date, then by id.
    pub fn sort(&mut self, position: impl Fn(i64) -> usize) {
        let mut keys: Vec<(usize, chrono::NaiveDate, i64, u32)> = (0..self.len())
            .map(|i| {
                let h = self.at(i);
                (position(h.pairing_id), h.start.first, h.id, i as u32)
            })
            .collect();
        // the key is the whole order, ids unique
        keys.sort_unstable();
        self.order = Some(keys.into_iter().map(|k| k.3).collect());
    }

    /// Holds, after its own, the activities of `other` in their order.
    pub(crate) fn append(&mut self, other: &ActivityLot) {
        for a in other.iter() {
            self.push(a.activity());
        }
    }

    /// How many it holds.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(Vec::is_empty)
    }

    /// The activities held, in order.
    pub(crate) fn iter(&self) -> Box<dyn Iterator<Item = Act<'_>> + '_> {
        let act = move |h| Act { h, lot: self };
        match &self.order {
            Some(order) => Box::new(order.iter().map(move |&i| act(self.at(i as usize)))),
            None => Box::new(self.pieces.iter().flatten().map(act)),
        }
    }
}

/// One activity as the summary reads it.
#[derive(Clone, Copy)]
pub(crate) struct Act<'a> {
    h: &'a Held,
    lot: &'a ActivityLot,
}

/// A count not given is no count: zero.
fn n(f: Option<Figure>) -> Figure {
    f.unwrap_or(Figure::exact(0))
}

impl<'a> Act<'a> {
    pub(crate) fn id(&self) -> i64 {
        self.h.id
    }

    pub(crate) fn kind(&self) -> ActivityKind {
        self.h.kind
    }

    pub(crate) fn confirmation(&self) -> Confirmation {
        self.h.confirmation
    }

    pub(crate) fn start_date(&self) -> RecDate {
        self.h.start
    }

    pub(crate) fn end_date(&self) -> Option<RecDate> {
        self.h.end
    }

    pub(crate) fn title(&self) -> &'a str {
        let (piece, from, to) = self.h.title;
        &self.lot.text[piece as usize][from as usize..to as usize]
    }

    /// A count as a figure, if given.
    fn figure(&self, c: Count) -> Option<Figure> {
        let i = c as usize;
        let value = self.h.counts[i];
        (value != ABSENT).then(|| Figure {
            value,
            qualifier: self.h.qualifiers[i],
            upper: self.h.uppers.as_ref().and_then(|u| u[i]),
        })
    }

    // each count with its qualifier and range ("1500余", "20-50"), summed by the rule of `approx::Total`; a count not
    // given is zero
    pub(crate) fn courses(&self) -> Figure {
        n(self.figure(Count::Courses))
    }

    pub(crate) fn hours(&self) -> Figure {
        n(self.figure(Count::Hours))
    }

    pub(crate) fn sessions(&self) -> Figure {
        n(self.figure(Count::Sessions))
    }

    pub(crate) fn person_times(&self) -> Figure {
        n(self.figure(Count::PersonTimes))
    }

    /// 台（套/件） as a figure, if given.
    pub(crate) fn items_figure(&self) -> Option<Figure> {
        self.figure(Count::Items)
    }

    /// The money as a figure (raw fen), if given.
    pub(crate) fn amount_figure(&self) -> Option<Figure> {
        self.figure(Count::Amount)
    }

    /// The money, zero when none is given.
    pub(crate) fn amount(&self) -> Money {
        self.amount_figure()
            .map_or_else(Money::default, |f| Money::from_fen(f.value))
    }

    /// The activity as a record again, with what the summary holds of it (the fields it does not read are empty):
    /// for the few a part names one by one, seen generically.
    pub(crate) fn activity(&self) -> Activity {
        let h = self.h;
        let parts = |c: Count| self.figure(c).map(|f| (f.value, f.qualifier, f.upper));
        let (person_times, person_times_approx, person_times_upper) = split(parts(Count::PersonTimes));
        let (sessions, sessions_approx, sessions_upper) = split(parts(Count::Sessions));
        let (courses, courses_approx, courses_upper) = split(parts(Count::Courses));
        let (hours, hours_approx, hours_upper) = split(parts(Count::Hours));
        let (items, items_approx, items_upper) = split(parts(Count::Items));
        let (amount, amount_approx, amount_upper) = split(parts(Count::Amount));
        Activity {
            id: ActivityId(h.id),
            version: 0,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            pairing_id: PairingId(h.pairing_id),
            kind: h.kind,
            title: self.title().to_string(),
            audience: None,
            start_date: h.start,
            end_date: h.end,
            region_code: None,
            person_times,
            person_times_approx,
            person_times_upper,
            sessions,
            sessions_approx,
            sessions_upper,
            courses,
            courses_approx,
            courses_upper,
            hours,
            hours_approx,
            hours_upper,
            items,
            items_approx,
            items_upper,
            amount: amount.map(Money::from_fen),
            amount_approx,
            amount_upper: amount_upper.map(Money::from_fen),
            participants: None,
            direction: None,
            project_id: None,
            dispatch_id: None,
            need_id: None,
            description: None,
            confirmation: h.confirmation,
            confirmed_by: None,
            confirmed_at: None,
            dispute_reason: self.lot.reasons.get(h.reason as usize).cloned(),
        }
    }
}

/// A figure's parts as the record's three fields.
fn split(f: Option<(i64, Option<Qualifier>, Option<i64>)>) -> (Option<i64>, Option<Qualifier>, Option<i64>) {
    match f {
        Some((v, q, u)) => (Some(v), q, u),
        None => (None, None, None),
    }
}

/// A transaction (资金往来) as a summary holds it: what the writer reads of it (about 80 bytes against a typed
/// [`Transaction`]'s 230 and its texts). A program's whole term holds over a hundred thousand.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldTransaction {
    /// Its id.
    pub id: TransactionId,
    /// The project the money is for.
    pub project_id: ProjectId,
    /// Committed, disbursed or spent.
    pub kind: TransactionKind,
    /// Where the money comes from.
    pub source: FundingSource,
    /// How much (the low end of a range).
    pub amount: Money,
    /// The amount's qualifier, if it is approximate.
    pub amount_approx: Option<Qualifier>,
    /// A range's high end.
    pub amount_upper: Option<Money>,
    /// When, at the precision known.
    pub date: RecDate,
    /// Where it stands with the receiving side.
    pub confirmation: Confirmation,
    /// Why it was disputed.
    pub dispute_reason: Option<Box<str>>,
}

impl From<Transaction> for HeldTransaction {
    fn from(t: Transaction) -> HeldTransaction {
        HeldTransaction {
            id: t.id,
            project_id: t.project_id,
            kind: t.kind,
            source: t.source,
            amount: t.amount,
            amount_approx: t.amount_approx,
            amount_upper: t.amount_upper,
            date: t.date,
            confirmation: t.confirmation,
            dispute_reason: t.dispute_reason.map(String::into_boxed_str),
        }
    }
}

impl HeldTransaction {
    /// The amount as a figure, with its qualifier and range.
    pub fn amount_figure(&self) -> Figure {
        Figure {
            value: self.amount.fen(),
            qualifier: self.amount_approx,
            upper: self.amount_upper.map(Money::fen),
        }
    }

    /// The transaction typed again, as far as it is held (the rest as a record just made has it), to be seen
    /// generically where the text names it.
    pub(crate) fn transaction(&self) -> Transaction {
        Transaction {
            id: self.id,
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            project_id: self.project_id,
            pairing_id: None,
            kind: self.kind,
            source: self.source,
            amount: self.amount,
            amount_approx: self.amount_approx,
            amount_upper: self.amount_upper,
            date: self.date,
            note: None,
            confirmation: self.confirmation,
            confirmed_by: None,
            confirmed_at: None,
            dispute_reason: self.dispute_reason.as_deref().map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_activity_held_is_the_record_the_summary_reads() {
        let a = Activity::from_json(&serde_json::json!({
            "id": 7, "version": 3, "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z",
            "pairing_id": 2, "kind": "training", "title": "骨干教师培训", "start_date": "2024-03",
            "end_date": "2024-05-02", "person_times": 1500, "person_times_approx": "余", "sessions": 20,
            "sessions_upper": 50, "amount": "12.5", "amount_upper": "20", "confirmation": "disputed",
            "dispute_reason": "人数不符", "description": "不读"
        }))
        .unwrap();
        let mut lot = ActivityLot::default();
        lot.push(a.clone());
        let back = lot.iter().next().unwrap().activity();
        assert_eq!(back.title, "骨干教师培训");
        assert_eq!(back.person_times_figure(), a.person_times_figure());
        assert_eq!(back.sessions_figure(), a.sessions_figure());
        assert_eq!(back.amount_figure(), a.amount_figure());
        assert_eq!(back.courses_figure(), None);
        assert_eq!((back.start_date, back.end_date), (a.start_date, a.end_date));
        assert_eq!(back.dispute_reason.as_deref(), Some("人数不符"));
        assert_eq!(back.description, None, "what the summary does not read is not held");
        assert!(std::mem::size_of::<Held>() <= 112, "{}", std::mem::size_of::<Held>());
    }

    #[test]
    fn a_transaction_held_is_the_record_the_summary_reads() {
        let t = Transaction::from_json(&serde_json::json!({
            "id": 9, "version": 2, "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z",
            "project_id": 4, "pairing_id": 2, "kind": "disbursement", "source": "central", "amount": "1500",
            "amount_approx": "余", "amount_upper": "2000", "date": "2024-03", "note": "不读",
            "confirmation": "disputed", "confirmed_by": 1, "confirmed_at": "2024-04-01T00:00:00Z",
            "dispute_reason": "未到位"
        }))
        .unwrap();
        let held = HeldTransaction::from(t.clone());
        assert_eq!(held.amount_figure(), t.amount_figure());
        let back = held.transaction();
        assert_eq!(
            (
                back.id,
                back.project_id,
                back.kind,
                back.source,
                back.date,
                back.confirmation
            ),
            (t.id, t.project_id, t.kind, t.source, t.date, t.confirmation)
        );
        assert_eq!(back.amount_figure(), t.amount_figure());
        assert_eq!(back.dispute_reason.as_deref(), Some("未到位"));
        assert_eq!(back.note, None, "what the summary does not read is not held");
        assert!(
            std::mem::size_of::<HeldTransaction>() * 2 < std::mem::size_of::<Transaction>(),
            "{} against {}",
            std::mem::size_of::<HeldTransaction>(),
            std::mem::size_of::<Transaction>()
        );
    }

    #[test]
    fn a_lot_of_many_pieces_is_told_in_its_pairings_order() {
        let n = PIECE * 2 + 17;
        let mut lot = ActivityLot::default();
        for i in 0..n {
            let a = Activity::from_json(&serde_json::json!({
                "id": i + 1, "version": 1, "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z",
                "pairing_id": 1 + i % 3, "kind": "visit", "title": format!("互访{i}"),
                "start_date": format!("2024-{:02}-01", 12 - i % 12), "confirmation": "confirmed"
            }))
            .unwrap();
            lot.push(a);
        }
        // pairing 3 first, then 1, then 2
        lot.sort(|p| [usize::MAX, 1, 2, 0][p as usize]);
        let told: Vec<(i64, chrono::NaiveDate, i64)> = lot
            .iter()
            .map(|a| (a.activity().pairing_id.0, a.start_date().first, a.id()))
            .collect();
        assert_eq!(told.len(), n);
        let place = |p: i64| [usize::MAX, 1, 2, 0][p as usize];
        assert!(told
            .windows(2)
            .all(|w| (place(w[0].0), w[0].1, w[0].2) < (place(w[1].0), w[1].1, w[1].2)));
        // each title is its own, wherever it was kept
        assert!(lot.iter().all(|a| a.title() == format!("互访{}", a.id() - 1)));
    }
}
