//! The HTTP routes, one file per concern.

pub mod admin;
pub mod auth;
pub mod documents;
pub mod files;
pub mod pick;
pub mod records;
