//! Shared formulas: Excel writes a formula filled down or across once, on its first cell, and marks the other cells
//! as sharing it; each of those has the formula with its relative references moved by the cell's offset.

/// The largest sheet Excel allows.
const MAX_ROWS: i64 = 1_048_576;
const MAX_COLUMNS: i64 = 16_384;

/// `formula` (written for the cell `from`) as it reads in the cell `to` (zero-based row, column): every cell, column
/// or row reference outside double quotes and not a function name moved by the offset unless anchored with `$`.
/// A token that is no reference, or would move off the sheet, is left as it is.
pub(super) fn shifted(formula: &str, from: (u32, u32), to: (u32, u32)) -> String {
    let offset = (i64::from(to.0) - i64::from(from.0), i64::from(to.1) - i64::from(from.1));
    let mut out = String::with_capacity(formula.len() + 8);
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in formula.char_indices() {
        if !quoted && is_token(c) {
            continue;
        }
        push_token(&mut out, &formula[start..i], c == '(', offset);
        out.push(c);
        start = i + c.len_utf8();
        if c == '"' {
            quoted = !quoted;
        }
    }
    push_token(&mut out, &formula[start..], false, offset);
    out
}

fn is_token(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\\' | '.' | '_' | '$' | ':')
}

fn push_token(out: &mut String, token: &str, function: bool, offset: (i64, i64)) {
    if token.is_empty() {
        return;
    }
    match (!function).then(|| moved(token, offset)).flatten() {
        Some(moved) => out.push_str(&moved),
        None => out.push_str(token),
    }
}

/// A reference: a cell, a whole column, or a whole row; each coordinate zero-based with its `$`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ref {
    Cell {
        row: i64,
        row_abs: bool,
        col: i64,
        col_abs: bool,
    },
    Column {
        col: i64,
        abs: bool,
    },
    Row {
        row: i64,
        abs: bool,
    },
}

/// "A1", "$B$2", "A1:B5", "E:F", "5:6" moved by the offset; None when the token is not such a reference.
fn moved(token: &str, offset: (i64, i64)) -> Option<String> {
    match token.split_once(':') {
        None => match parse(token)? {
            r @ Ref::Cell { .. } => Some(format(shift(r, offset)?)),
            _ => None,
        },
        Some((a, b)) => {
            let (a, b) = (parse(a)?, parse(b)?);
            if std::mem::discriminant(&a) != std::mem::discriminant(&b) {
                return None;
            }
            Some(format!("{}:{}", format(shift(a, offset)?), format(shift(b, offset)?)))
        }
    }
}

fn parse(s: &str) -> Option<Ref> {
    let b = s.as_bytes();
    let (mut col, mut row) = (0i64, 0i64);
    let (mut col_abs, mut row_abs) = (false, false);
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'$', Some(n)) if n.is_ascii_alphabetic() => {
                if row > 0 || col > 0 {
                    return None;
                }
                col_abs = true;
            }
            (b'$', Some(n)) if n.is_ascii_digit() => {
                if row > 0 {
                    return None;
                }
                row_abs = true;
            }
            (c, _) if c.is_ascii_alphabetic() => {
                if row > 0 {
                    return None;
                }
                col = col * 26 + i64::from(c.to_ascii_uppercase() - b'A') + 1;
                if col > MAX_COLUMNS {
                    return None;
                }
            }
            (c, _) if c.is_ascii_digit() => {
                row = row * 10 + i64::from(c - b'0');
                if row > MAX_ROWS {
                    return None;
                }
            }
            _ => return None,
        }
        i += 1;
    }
    match (col > 0, row > 0) {
        (true, true) => Some(Ref::Cell {
            row: row - 1,
            row_abs,
            col: col - 1,
            col_abs,
        }),
        (true, false) => Some(Ref::Column {
            col: col - 1,
            abs: col_abs,
        }),
        (false, true) => Some(Ref::Row {
            row: row - 1,
            abs: row_abs,
        }),
        (false, false) => None,
    }
}

fn shift(r: Ref, (dr, dc): (i64, i64)) -> Option<Ref> {
    let row = |v: i64, abs: bool| Some(if abs { v } else { v + dr }).filter(|v| (0..MAX_ROWS).contains(v));
    let col = |v: i64, abs: bool| Some(if abs { v } else { v + dc }).filter(|v| (0..MAX_COLUMNS).contains(v));
    Some(match r {
        Ref::Cell {
            row: r,
            row_abs,
            col: c,
            col_abs,
        } => Ref::Cell {
            row: row(r, row_abs)?,
            row_abs,
            col: col(c, col_abs)?,
            col_abs,
        },
        Ref::Column { col: c, abs } => Ref::Column { col: col(c, abs)?, abs },
        Ref::Row { row: r, abs } => Ref::Row { row: row(r, abs)?, abs },
    })
}

fn format(r: Ref) -> String {
    let dollar = |abs: bool| if abs { "$" } else { "" };
    let letters = |c: i64| crate::xlsx::column_letters(c as u32);
    match r {
        Ref::Cell {
            row,
            row_abs,
            col,
            col_abs,
        } => format!("{}{}{}{}", dollar(col_abs), letters(col), dollar(row_abs), row + 1),
        Ref::Column { col, abs } => format!("{}{}", dollar(abs), letters(col)),
        Ref::Row { row, abs } => format!("{}{}", dollar(abs), row + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::shifted;

    #[test]
    fn references_move_with_the_cell() {
        // written on C2, read on C5 and E3
        assert_eq!(shifted("A2*B2", (1, 2), (4, 2)), "A5*B5");
        assert_eq!(shifted("SUM($A$1:A2)+$B2+C$1", (1, 2), (2, 4)), "SUM($A$1:C3)+$B3+E$1");
        assert_eq!(shifted("SUM(A:A)+SUM(2:3)", (1, 2), (2, 3)), "SUM(B:B)+SUM(3:4)");
        // texts, function names, numbers and sheet names stay
        assert_eq!(
            shifted("IF(A2>1,\"A2\",LOG10(2.5))", (1, 0), (2, 0)),
            "IF(A3>1,\"A2\",LOG10(2.5))"
        );
        assert_eq!(shifted("Sheet1!A2", (1, 0), (2, 0)), "Sheet1!A3");
        // off the sheet: left as written
        assert_eq!(shifted("B2", (1, 1), (0, 0)), "A1");
        assert_eq!(shifted("A1", (1, 1), (0, 0)), "A1");
    }
}
