//! duikou's domain: the record's types, periods, money, validation, obligations' stored shape and access rules.
//! Pure code with no I/O: storage, HTTP, reports and the CLI are layers around it.

pub mod access;
pub mod appraisal;
pub mod approx;
pub mod attributes;
pub mod audit;
pub mod date;
pub mod engine;
pub mod entities;
mod error;
pub mod iati;
mod money;
pub mod obligation;
pub mod outputs;
pub mod password;
mod period;
pub mod plans;
mod qty;
pub mod record;
pub mod rollup;
pub mod schema;
pub mod task;
pub mod templates;
pub mod validate;

pub use date::{Attribution, Precision, RecDate};
pub use error::{FieldError, ValidationErrors};
pub use money::{Money, MoneyParseError};
pub use obligation::{ObligationRule, RatingScale};
pub use period::{Calendar, CalendarKind, Period, PeriodParseError, WindowKind};
pub use qty::{Qty, QtyParseError};
