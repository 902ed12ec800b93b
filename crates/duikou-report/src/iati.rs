//! An IATI 2.03 activity file (`iati-activities`) written from a plain model: the codes are chosen by the caller
//! (see `duikou_domain::iati` and `docs/iati.md`); this module only writes them in the schema's element order,
//! escaping every text and attribute.

use crate::xml::escape;
use chrono::NaiveDate;

/// An organisation as IATI names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiOrg {
    /// Its identifier (`CN-DUIKOU-O5`), when it has one.
    pub reference: Option<String>,
    /// Its OrganisationType code (`10`, `80` …).
    pub org_type: Option<&'static str>,
    /// Its name (Chinese).
    pub name: String,
}

/// Where the activity takes place: the receiver's region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiLocation {
    /// The publisher's reference: `CN-GBT2260-650100` (IATI has no vocabulary for GB/T 2260 codes).
    pub reference: String,
    /// The region's name.
    pub name: String,
    /// GeographicLocationClass (`1`, administrative region).
    pub class: &'static str,
}

/// A sector with its share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiSector {
    /// SectorVocabulary (`1` DAC 5-digit, `99` the reporting organisation's own).
    pub vocabulary: &'static str,
    /// The code in that vocabulary.
    pub code: String,
    /// Its name (Chinese).
    pub name: String,
    /// Its share in percent, two decimals (`None` when it is the only sector of its vocabulary).
    pub percentage: Option<String>,
}

/// A yearly budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiBudget {
    /// BudgetType (`1` original).
    pub budget_type: &'static str,
    /// BudgetStatus (`2` committed).
    pub status: &'static str,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Amount in yuan with two decimals.
    pub value: String,
}

/// One transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiTransaction {
    /// TransactionType (`2` commitment, `3` disbursement, `4` expenditure).
    pub transaction_type: &'static str,
    /// Its date (the first day of a month or year when only that is known; the description says so).
    pub date: NaiveDate,
    /// Amount in yuan with two decimals.
    pub value: String,
    /// What it is (project, source, the precision of its date).
    pub description: String,
    /// Who provides the money.
    pub provider: Option<IatiOrg>,
    /// Who receives it.
    pub receiver: Option<IatiOrg>,
}

/// A result told by one indicator before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiResult {
    /// ResultType (`3` impact).
    pub result_type: &'static str,
    /// The result's title (the indicator's name and unit, with the place).
    pub title: String,
    /// IndicatorMeasure (`1` unit).
    pub measure: &'static str,
    /// The indicator's title.
    pub indicator: String,
    /// The baseline's year.
    pub baseline_year: i32,
    /// The baseline's first day.
    pub baseline_date: NaiveDate,
    /// The baseline value.
    pub baseline_value: String,
    /// The baseline's comment (its period as written).
    pub baseline_comment: String,
    /// The latest value's period.
    pub period: (NaiveDate, NaiveDate),
    /// The latest value.
    pub actual_value: String,
}

/// A public document of the activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiDocument {
    /// Where to get it.
    pub url: String,
    /// FileFormat (a media type).
    pub format: String,
    /// Its title.
    pub title: String,
    /// DocumentCategory (`A01` …).
    pub category: &'static str,
    /// Its date.
    pub date: Option<NaiveDate>,
}

/// One `iati-activity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiActivity {
    /// `iati-identifier`.
    pub identifier: String,
    /// `reporting-org`.
    pub reporting_org: IatiOrg,
    /// Title (Chinese).
    pub title: String,
    /// Description (Chinese).
    pub description: String,
    /// `participating-org`s with their OrganisationRole code.
    pub participating: Vec<(&'static str, IatiOrg)>,
    /// ActivityStatus.
    pub status: &'static str,
    /// `activity-date`s: ActivityDateType and day.
    pub dates: Vec<(&'static str, NaiveDate)>,
    /// `recipient-country` (ISO 3166-1 alpha-2).
    pub country: &'static str,
    /// `location`.
    pub location: Option<IatiLocation>,
    /// `sector`s.
    pub sectors: Vec<IatiSector>,
    /// `budget`s.
    pub budgets: Vec<IatiBudget>,
    /// `transaction`s.
    pub transactions: Vec<IatiTransaction>,
    /// `document-link`s.
    pub documents: Vec<IatiDocument>,
    /// `result`s.
    pub results: Vec<IatiResult>,
}

/// A whole `iati-activities` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IatiFile {
    /// When it was made (`2026-12-06T09:00:00Z`).
    pub generated: String,
    /// What the file holds and how (written as an XML comment at the top).
    pub note: String,
    /// Its activities; none when the scope has no public facts (then `note` says why).
    pub activities: Vec<IatiActivity>,
    /// The currency of every value (`CNY`).
    pub currency: &'static str,
}

/// A small writer: every text and attribute value goes through [`escape`].
struct Out {
    s: String,
    depth: usize,
}

impl Out {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.s.push_str("  ");
        }
    }
    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (k, v) in attrs {
            self.s.push(' ');
            self.s.push_str(k);
            self.s.push_str("=\"");
            self.s.push_str(&escape(v));
            self.s.push('"');
        }
    }
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.s.push('<');
        self.s.push_str(name);
        self.attrs(attrs);
        self.s.push_str(">\n");
        self.depth += 1;
    }
    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.s.push_str("</");
        self.s.push_str(name);
        self.s.push_str(">\n");
    }
    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.s.push('<');
        self.s.push_str(name);
        self.attrs(attrs);
        self.s.push_str("/>\n");
    }
    fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        self.s.push('<');
        self.s.push_str(name);
        self.attrs(attrs);
        self.s.push('>');
        self.s.push_str(&escape(text));
        self.s.push_str("</");
        self.s.push_str(name);
        self.s.push_str(">\n");
    }
    /// An element holding one Chinese narrative.
    fn narrated(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.text("narrative", &[("xml:lang", "zh")], text);
        self.close(name);
    }
    fn org(&mut self, name: &str, role: Option<&str>, org: &IatiOrg) {
        let mut attrs: Vec<(&str, &str)> = Vec::new();
        if let Some(r) = &org.reference {
            attrs.push(("ref", r));
        }
        if let Some(t) = org.org_type {
            attrs.push(("type", t));
        }
        if let Some(role) = role {
            attrs.push(("role", role));
        }
        self.narrated(name, &attrs, &org.name);
    }
    fn comment(&mut self, text: &str) {
        // "--" may not appear inside a comment
        let safe = text.replace("--", "—");
        self.indent();
        self.s.push_str("<!-- ");
        self.s.push_str(&escape(&safe));
        self.s.push_str(" -->\n");
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The file as UTF-8 XML text.
pub fn iati_xml(file: &IatiFile) -> String {
    let mut o = Out {
        s: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    o.comment(&file.note);
    o.open(
        "iati-activities",
        &[("version", "2.03"), ("generated-datetime", &file.generated)],
    );
    for a in &file.activities {
        activity(&mut o, a, file);
    }
    o.close("iati-activities");
    o.s
}

fn activity(o: &mut Out, a: &IatiActivity, file: &IatiFile) {
    // no last-updated-datetime: the record does not keep when a pairing's public facts last changed, and the file's
    // own time (generated-datetime) is not that
    o.open(
        "iati-activity",
        &[("xml:lang", "zh"), ("default-currency", file.currency)],
    );
    o.text("iati-identifier", &[], &a.identifier);
    o.org("reporting-org", None, &a.reporting_org);
    o.narrated("title", &[], &a.title);
    o.narrated("description", &[("type", "1")], &a.description);
    for (role, org) in &a.participating {
        o.org("participating-org", Some(role), org);
    }
    o.empty("activity-status", &[("code", a.status)]);
    for (kind, d) in &a.dates {
        o.empty("activity-date", &[("type", kind), ("iso-date", &day(*d))]);
    }
    o.empty("recipient-country", &[("code", a.country), ("percentage", "100")]);
    if let Some(l) = &a.location {
        o.open("location", &[("ref", &l.reference)]);
        o.narrated("name", &[], &l.name);
        o.empty("location-class", &[("code", l.class)]);
        o.close("location");
    }
    for s in &a.sectors {
        let mut attrs = vec![("vocabulary", s.vocabulary), ("code", s.code.as_str())];
        if let Some(p) = &s.percentage {
            attrs.push(("percentage", p));
        }
        o.narrated("sector", &attrs, &s.name);
    }
    for b in &a.budgets {
        o.open("budget", &[("type", b.budget_type), ("status", b.status)]);
        o.empty("period-start", &[("iso-date", &day(b.start))]);
        o.empty("period-end", &[("iso-date", &day(b.end))]);
        o.text(
            "value",
            &[("currency", file.currency), ("value-date", &day(b.start))],
            &b.value,
        );
        o.close("budget");
    }
    for t in &a.transactions {
        o.open("transaction", &[]);
        o.empty("transaction-type", &[("code", t.transaction_type)]);
        o.empty("transaction-date", &[("iso-date", &day(t.date))]);
        o.text(
            "value",
            &[("currency", file.currency), ("value-date", &day(t.date))],
            &t.value,
        );
        o.narrated("description", &[], &t.description);
        if let Some(p) = &t.provider {
            o.org("provider-org", None, p);
        }
        if let Some(r) = &t.receiver {
            o.org("receiver-org", None, r);
        }
        o.close("transaction");
    }
    for d in &a.documents {
        o.open("document-link", &[("url", &d.url), ("format", &d.format)]);
        o.narrated("title", &[], &d.title);
        o.empty("category", &[("code", d.category)]);
        o.empty("language", &[("code", "zh")]);
        if let Some(date) = d.date {
            o.empty("document-date", &[("iso-date", &day(date))]);
        }
        o.close("document-link");
    }
    for r in &a.results {
        o.open("result", &[("type", r.result_type)]);
        o.narrated("title", &[], &r.title);
        o.open("indicator", &[("measure", r.measure)]);
        o.narrated("title", &[], &r.indicator);
        let year = r.baseline_year.to_string();
        o.open(
            "baseline",
            &[
                ("year", &year),
                ("iso-date", &day(r.baseline_date)),
                ("value", &r.baseline_value),
            ],
        );
        o.narrated("comment", &[], &r.baseline_comment);
        o.close("baseline");
        o.open("period", &[]);
        o.empty("period-start", &[("iso-date", &day(r.period.0))]);
        o.empty("period-end", &[("iso-date", &day(r.period.1))]);
        o.empty("actual", &[("value", &r.actual_value)]);
        o.close("period");
        o.close("indicator");
        o.close("result");
    }
    o.close("iati-activity");
}
