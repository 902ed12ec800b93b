//! duikou-web
