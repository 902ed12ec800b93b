//! duikou-domain
