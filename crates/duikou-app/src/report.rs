//! The 工作总结 (or 简报) of a scope and period: the record read for it, the document written, and the document as a
//! file (.docx, Markdown, HTML).

use crate::{App, AppError, File};
use chrono::NaiveDate;
use duikou_domain::Period;
use duikou_report::Document;
use duikou_store::summary::Scope;
use duikou_summary::{Figure, Pending};

/// What a summary is asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Whose work: a pairing, a program, an org or a region.
    pub scope: Scope,
    /// Over which period.
    pub period: Period,
    /// Obligations judged as of this day.
    pub as_of: NaiveDate,
    /// How facts awaiting the receiving side's confirmation enter it.
    pub pending: Pending,
    /// A briefing (简报) with this issue number instead of a summary.
    pub briefing: Option<u32>,
}

/// A written summary: the document and the figures in it, each with the records behind it.
#[derive(Debug, Clone)]
pub struct Report {
    /// The document.
    pub document: Document,
    /// Its figures.
    pub figures: Vec<Figure>,
}

/// The file formats of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    /// Word (.docx).
    Docx,
    /// Markdown (.md).
    Markdown,
    /// A web page (.html).
    Html,
}

impl DocFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Docx => "docx",
            DocFormat::Markdown => "md",
            DocFormat::Html => "html",
        }
    }
}

impl App {
    /// Writes the summary (or the briefing) asked for. A summary in which one measure would show two values is
    /// refused ([`AppError::Inconsistent`]).
    pub async fn report(&self, request: &ReportRequest) -> Result<Report, AppError> {
        let form = duikou_summary::Form {
            pending: request.pending,
            briefing: request.briefing.is_some(),
        };
        let input = self
            .store
            .summary_input_as(&request.scope, &request.period, request.as_of, form)
            .await?;
        let (document, figures) = match request.briefing {
            Some(issue) => duikou_summary::briefing::briefing(&input, issue),
            None => duikou_summary::build(&input)?,
        };
        Ok(Report { document, figures })
    }
}

impl Report {
    /// The document as a file in `format`, named after its title.
    pub fn file(&self, format: DocFormat) -> Result<File, AppError> {
        let bytes = match format {
            DocFormat::Docx => duikou_report::docx(&self.document)?,
            DocFormat::Markdown => duikou_report::markdown(&self.document).into_bytes(),
            DocFormat::Html => duikou_report::html(&self.document).into_bytes(),
        };
        Ok(File {
            name: format!("{}.{}", self.document.title, format.extension()),
            bytes,
        })
    }
}
