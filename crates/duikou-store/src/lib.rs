//! duikou-store
