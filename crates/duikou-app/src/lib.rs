//! The application layer: the use cases both front ends call — the web (HTTP) and the CLI (files and exit codes) —
//! so that an import template, an export, an import or a work summary is made in one place and is the same whichever
//! way a user asks for it. Each front end keeps only its edge: reading the request or the arguments, and answering
//! with a status and a page or a file and an exit code. No SQL here: storage is reached through [`Store`].

mod error;
mod export;
mod import;
mod report;
mod template;

pub use error::AppError;
pub use export::Exported;
pub use import::{counts_zh, ImportMode};
pub use report::{DocFormat, Report, ReportRequest};
pub use template::{importable, template, template_workbook, EXAMPLE_SHEET};

use duikou_store::Store;

/// The use cases over one store. Cheap to clone (the store is shared handles).
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
}

impl App {
    /// The use cases over `store`.
    pub fn new(store: Store) -> App {
        App { store }
    }

    /// The store beneath.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// A file made for the user: the name it is offered under, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The file name a download is offered under (`活动导入模板.xlsx`).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}
