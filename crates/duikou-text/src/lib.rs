//! Chinese numerals and fact extraction (issue 6).
