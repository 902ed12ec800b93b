//! Charts drawn as SVG by hand: bar, stacked bar, line and pie, with axes, legend, value labels and Chinese text.
//!
//! The same SVG is the chart on the web page, in the HTML report, and (rasterised by [`crate::png`]) the picture in
//! the .docx, so the three never disagree. Output is deterministic: coordinates are written with one decimal, values
//! with fixed rules, nothing depends on time or randomness, so snapshot tests stay stable. Text width is estimated
//! (a CJK character is one em, Latin about half) because no font is measured here.

use crate::format::{fixed, is_wide, trimmed};
use crate::model::{Chart, ChartKind};
use crate::xml::escape;
use std::fmt::Write as _;

/// Canvas size in SVG user units (and CSS pixels).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 400.0;

/// Fonts tried in order: the one bundled for rasterising comes first, then what Chinese desktops and phones have.
pub(crate) const FONT_FAMILY: &str = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei',\
'PingFang SC','Hiragino Sans GB','WenQuanYi Micro Hei',SimHei,sans-serif";

/// Series colours, in order; sober enough for print and distinct in greyscale.
const PALETTE: [&str; 8] = [
    "#2F5597", "#C55A11", "#548235", "#BF9000", "#7030A0", "#2E75B6", "#A5A5A5", "#C00000",
];

const TEXT: &str = "#262626";
const MUTED: &str = "#595959";
const GRID: &str = "#D9D9D9";

/// Renders a chart as a standalone SVG document (with its title).
///
/// Empty charts (no categories, no series, or nothing but zeros in a pie) render a frame that says "暂无数据".
pub fn svg(chart: &Chart) -> String {
    render(chart, true)
}

/// Renders a chart; `with_title` is false inside .docx, where the caption under the picture carries the title.
pub(crate) fn render(chart: &Chart, with_title: bool) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" role="img" aria-label="{label}">"#,
        w = WIDTH,
        h = HEIGHT,
        label = escape(&chart.title),
    );
    let _ = write!(
        out,
        r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>"##
    );
    let mut top = 16.0;
    if with_title && !chart.title.trim().is_empty() {
        let _ = write!(
            out,
            r#"<text x="{}" y="28" text-anchor="middle" font-size="17" font-weight="bold" fill="{TEXT}">{}</text>"#,
            n(WIDTH / 2.0),
            escape(&chart.title)
        );
        top = 44.0;
    }
    let data = Data::new(chart);
    if data.is_empty(chart.kind) {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="16" fill="{MUTED}">暂无数据</text>"#,
            n(WIDTH / 2.0),
            n((top + HEIGHT) / 2.0)
        );
    } else {
        match chart.kind {
            ChartKind::Pie => pie(&mut out, chart, &data, top),
            kind => axes_chart(&mut out, chart, &data, kind, top),
        }
    }
    out.push_str("</svg>");
    out
}

/// The values, cleaned: a missing or non-finite value is `None` and is neither drawn nor labelled.
struct Data {
    /// `values[s][c]` for series `s`, category `c`.
    values: Vec<Vec<Option<f64>>>,
}

impl Data {
    fn new(chart: &Chart) -> Data {
        let values = chart
            .series
            .iter()
            .map(|s| {
                (0..chart.categories.len())
                    .map(|c| s.values.get(c).copied().filter(|v| v.is_finite()))
                    .collect()
            })
            .collect();
        Data { values }
    }

    fn is_empty(&self, kind: ChartKind) -> bool {
        match kind {
            ChartKind::Pie => self.pie_slices().iter().all(|v| *v <= 0.0),
            _ => self.values.is_empty() || self.values[0].is_empty(),
        }
    }

    /// A pie shows the first series; negative values cannot be a share of a whole, so they count as nothing.
    fn pie_slices(&self) -> Vec<f64> {
        self.values
            .first()
            .map(|s| s.iter().map(|v| v.unwrap_or(0.0).max(0.0)).collect())
            .unwrap_or_default()
    }
}

/// Formats a coordinate: one decimal, never "-0.0".
fn n(v: f64) -> String {
    fixed(v, 1)
}

/// Estimated width of text at a font size.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            if is_wide(c) {
                1.0
            } else if c.is_ascii_digit() || c == '.' {
                0.56
            } else {
                0.6
            }
        })
        .sum::<f64>()
        * size
}

/// Cuts text to fit `max` units at `size`, ending in "…" when cut.
fn fit(text: &str, size: f64, max: f64) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        next.push('…');
        if text_width(&next, size) > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A value as labelled on a bar or point: whole numbers without decimals, else at most two.
fn value_label(v: f64) -> String {
    trimmed(v)
}

/// A y axis with "nice" ticks covering [lo, hi].
struct Scale {
    lo: f64,
    hi: f64,
    step: f64,
    decimals: usize,
}

impl Scale {
    fn new(min: f64, max: f64) -> Scale {
        let (mut min, mut max) = (min.min(0.0), max.max(0.0));
        if (max - min).abs() < f64::EPSILON {
            // All zeros: an axis from 0 to 5 reads better than a degenerate one.
            min = 0.0;
            max = 5.0;
        }
        let raw = (max - min) / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let lo = (min / step).floor() * step;
        let hi = (max / step).ceil() * step;
        let decimals = if step >= 1.0 {
            0
        } else {
            (-step.log10().floor()) as usize
        };
        Scale { lo, hi, step, decimals }
    }

    fn ticks(&self) -> Vec<f64> {
        let count = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=count.clamp(0, 20))
            .map(|i| self.lo + self.step * i as f64)
            .collect()
    }

    /// Maps a value to a y coordinate between `bottom` and `top`.
    fn y(&self, v: f64, top: f64, bottom: f64) -> f64 {
        bottom - (v - self.lo) / (self.hi - self.lo) * (bottom - top)
    }
}

/// How category labels under the x axis are laid out.
enum LabelMode {
    /// One line, centred.
    Flat,
    /// Turned 35° so long labels do not collide.
    Slanted { max_width: f64 },
}

const LABEL_SIZE: f64 = 12.0;

fn axes_chart(out: &mut String, chart: &Chart, data: &Data, kind: ChartKind, top: f64) {
    let cats = &chart.categories;
    let (min, max) = value_range(data, kind);
    let scale = Scale::new(min, max);
    let ticks = scale.ticks();

    // Left margin: the widest tick label; the unit sits above the axis.
    let tick_w = ticks
        .iter()
        .map(|t| text_width(&fixed(*t, scale.decimals), 11.0))
        .fold(0.0, f64::max);
    let left = (tick_w + 18.0).max(40.0);
    let right = 20.0;
    let plot_top = top + 22.0;
    let plot_w = WIDTH - left - right;
    let slot = plot_w / cats.len() as f64;

    let widest = cats.iter().map(|c| text_width(c, LABEL_SIZE)).fold(0.0, f64::max);
    let mode = if widest <= slot - 4.0 {
        LabelMode::Flat
    } else {
        LabelMode::Slanted { max_width: 110.0 }
    };
    let label_h = match mode {
        LabelMode::Flat => 20.0,
        LabelMode::Slanted { max_width } => widest.min(max_width) * 0.574 + 18.0,
    };
    let legend = Legend::layout(chart.series.iter().map(|s| s.name.as_str()).collect(), WIDTH - 40.0);
    let plot_bottom = HEIGHT - 10.0 - legend.height - label_h;
    let y = |v: f64| scale.y(v, plot_top, plot_bottom);

    // Unit, grid and tick labels.
    if !chart.unit.trim().is_empty() {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="12" fill="{MUTED}">单位：{}</text>"#,
            n(8.0),
            n(top + 8.0),
            escape(&chart.unit)
        );
    }
    for t in &ticks {
        let ty = y(*t);
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{GRID}" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" font-size="11" fill="{MUTED}">{}</text>"#,
            n(left),
            n(WIDTH - right),
            n(left - 6.0),
            n(ty + 4.0),
            fixed(*t, scale.decimals),
            y = n(ty),
        );
    }
    // The zero line is the base of the bars: drawn darker.
    let _ = write!(
        out,
        r#"<line x1="{}" y1="{y0}" x2="{}" y2="{y0}" stroke="{MUTED}" stroke-width="1"/>"#,
        n(left),
        n(WIDTH - right),
        y0 = n(y(0.0)),
    );

    match kind {
        ChartKind::Bar => bars(out, data, left, slot, &y),
        ChartKind::StackedBar => stacked(out, data, left, slot, &y),
        _ => lines(out, data, left, slot, &y),
    }

    // Category labels.
    for (i, cat) in cats.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        match mode {
            LabelMode::Flat => {
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-size="{LABEL_SIZE}" fill="{TEXT}">{}</text>"#,
                    n(cx),
                    n(plot_bottom + 17.0),
                    escape(cat)
                );
            }
            LabelMode::Slanted { max_width } => {
                let ly = plot_bottom + 14.0;
                let _ = write!(
                    out,
                    r#"<text x="{x}" y="{y}" text-anchor="end" font-size="{LABEL_SIZE}" fill="{TEXT}" transform="rotate(-35 {x} {y})">{}</text>"#,
                    escape(&fit(cat, LABEL_SIZE, max_width)),
                    x = n(cx),
                    y = n(ly),
                );
            }
        }
    }
    legend.draw(out, (WIDTH - legend.width) / 2.0, HEIGHT - 6.0 - legend.height, false);
}

/// The smallest and largest values the axis must show (stacks add up per category, positives and negatives apart).
fn value_range(data: &Data, kind: ChartKind) -> (f64, f64) {
    let (mut min, mut max) = (0.0f64, 0.0f64);
    let cats = data.values.first().map(Vec::len).unwrap_or(0);
    if kind == ChartKind::StackedBar {
        for c in 0..cats {
            let (mut pos, mut neg) = (0.0, 0.0);
            for s in &data.values {
                match s[c] {
                    Some(v) if v >= 0.0 => pos += v,
                    Some(v) => neg += v,
                    None => {}
                }
            }
            max = max.max(pos);
            min = min.min(neg);
        }
    } else {
        for v in data.values.iter().flatten().flatten() {
            max = max.max(*v);
            min = min.min(*v);
        }
    }
    // Head room so value labels above the tallest bar stay inside the plot.
    (min * 1.08, max * 1.08)
}

fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

fn bars(out: &mut String, data: &Data, left: f64, slot: f64, y: &dyn Fn(f64) -> f64) {
    let ns = data.values.len() as f64;
    let group = slot * 0.72;
    let bw = group / ns;
    let label_size = if bw >= 26.0 { 11.0 } else { 9.0 };
    for (s, series) in data.values.iter().enumerate() {
        for (c, v) in series.iter().enumerate() {
            let Some(v) = *v else { continue };
            let x = left + slot * c as f64 + (slot - group) / 2.0 + bw * s as f64;
            let (y0, y1) = (y(0.0), y(v));
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                n(x + 1.0),
                n(y0.min(y1)),
                n((bw - 2.0).max(1.0)),
                n((y0 - y1).abs()),
                color(s)
            );
            if bw >= 10.0 {
                let ly = if v >= 0.0 { y1 - 4.0 } else { y1 + label_size + 2.0 };
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-size="{label_size}" fill="{TEXT}">{}</text>"#,
                    n(x + bw / 2.0),
                    n(ly),
                    value_label(v)
                );
            }
        }
    }
}

fn stacked(out: &mut String, data: &Data, left: f64, slot: f64, y: &dyn Fn(f64) -> f64) {
    let bw = slot * 0.56;
    let cats = data.values.first().map(Vec::len).unwrap_or(0);
    for c in 0..cats {
        let x = left + slot * c as f64 + (slot - bw) / 2.0;
        let (mut pos, mut neg) = (0.0, 0.0);
        for (s, series) in data.values.iter().enumerate() {
            let Some(v) = series[c] else { continue };
            if v == 0.0 {
                continue;
            }
            let base = if v >= 0.0 { &mut pos } else { &mut neg };
            let (y0, y1) = (y(*base), y(*base + v));
            *base += v;
            let h = (y0 - y1).abs();
            let _ = write!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#FFFFFF" stroke-width="0.5"/>"##,
                n(x),
                n(y0.min(y1)),
                n(bw),
                n(h),
                color(s)
            );
            let label = value_label(v);
            if h >= 14.0 && text_width(&label, 10.0) <= bw {
                let _ = write!(
                    out,
                    r##"<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#FFFFFF">{}</text>"##,
                    n(x + bw / 2.0),
                    n((y0 + y1) / 2.0 + 3.5),
                    label
                );
            }
        }
        // The total above the stack is what a reader looks for first.
        if bw >= 10.0 && (pos != 0.0 || neg != 0.0) {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="11" font-weight="bold" fill="{TEXT}">{}</text>"#,
                n(x + bw / 2.0),
                n(y(pos) - 4.0),
                value_label(pos + neg)
            );
        }
    }
}

fn lines(out: &mut String, data: &Data, left: f64, slot: f64, y: &dyn Fn(f64) -> f64) {
    let cats = data.values.first().map(Vec::len).unwrap_or(0);
    let show_labels = cats * data.values.len() <= 36;
    for (s, series) in data.values.iter().enumerate() {
        // A missing value breaks the line rather than dropping it to zero.
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, out: &mut String| {
            if run.len() > 1 {
                let _ = write!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                    run.join(" "),
                    color(s)
                );
            }
            run.clear();
        };
        for (c, v) in series.iter().enumerate() {
            match v {
                Some(v) => run.push(format!("{},{}", n(left + slot * (c as f64 + 0.5)), n(y(*v)))),
                None => flush(&mut run, out),
            }
        }
        flush(&mut run, out);
        for (c, v) in series.iter().enumerate() {
            let Some(v) = *v else { continue };
            let (px, py) = (left + slot * (c as f64 + 0.5), y(v));
            let _ = write!(
                out,
                r##"<circle cx="{}" cy="{}" r="3" fill="#FFFFFF" stroke="{}" stroke-width="2"/>"##,
                n(px),
                n(py),
                color(s)
            );
            if show_labels {
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="{}">{}</text>"#,
                    n(px),
                    n(py - 7.0),
                    color(s),
                    value_label(v)
                );
            }
        }
    }
}

fn pie(out: &mut String, chart: &Chart, data: &Data, top: f64) {
    let values = data.pie_slices();
    let total: f64 = values.iter().sum();
    let (cx, cy) = (WIDTH * 0.32, (top + HEIGHT) / 2.0);
    let r = ((HEIGHT - top) / 2.0 - 18.0).min(150.0);
    let mut angle = -90.0f64;
    for (i, v) in values.iter().enumerate() {
        if *v <= 0.0 {
            continue;
        }
        let sweep = v / total * 360.0;
        if sweep >= 359.99 {
            let _ = write!(
                out,
                r##"<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#FFFFFF" stroke-width="1"/>"##,
                n(cx),
                n(cy),
                n(r),
                color(i)
            );
        } else {
            let (x0, y0) = polar(cx, cy, r, angle);
            let (x1, y1) = polar(cx, cy, r, angle + sweep);
            let large = if sweep > 180.0 { 1 } else { 0 };
            let _ = write!(
                out,
                r##"<path d="M{},{} L{},{} A{},{} 0 {large} 1 {},{} Z" fill="{}" stroke="#FFFFFF" stroke-width="1"/>"##,
                n(cx),
                n(cy),
                n(x0),
                n(y0),
                n(r),
                n(r),
                n(x1),
                n(y1),
                color(i)
            );
        }
        if sweep >= 14.0 {
            let (lx, ly) = polar(cx, cy, r * 0.64, angle + sweep / 2.0);
            let _ = write!(
                out,
                r##"<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#FFFFFF">{}%</text>"##,
                n(lx),
                n(ly + 4.0),
                fixed(v / total * 100.0, 1)
            );
        }
        angle += sweep;
    }
    // The legend carries names, values and shares: slices are too small for the names.
    let unit = chart.unit.trim();
    let entries: Vec<String> = chart
        .categories
        .iter()
        .zip(&values)
        .map(|(c, v)| {
            let name = fit(c, 12.0, 150.0);
            format!("{name}  {}{unit}（{}%）", value_label(*v), fixed(v / total * 100.0, 1))
        })
        .collect();
    let legend = Legend::layout(entries.iter().map(String::as_str).collect(), 0.0);
    let lx = WIDTH * 0.6;
    let ly = (cy - legend.height / 2.0).max(top);
    legend.draw(out, lx, ly, true);
}

fn polar(cx: f64, cy: f64, r: f64, deg: f64) -> (f64, f64) {
    let rad = deg.to_radians();
    (cx + r * rad.cos(), cy + r * rad.sin())
}

/// Legend entries (colour swatch + name), laid out in rows that wrap at `max_width`, or one per row when
/// `max_width` is 0.
struct Legend<'a> {
    rows: Vec<Vec<(usize, &'a str)>>,
    width: f64,
    height: f64,
}

const LEGEND_SIZE: f64 = 12.0;
const LEGEND_ROW: f64 = 20.0;

impl<'a> Legend<'a> {
    fn entry_width(name: &str) -> f64 {
        14.0 + 6.0 + text_width(name, LEGEND_SIZE) + 18.0
    }

    fn layout(names: Vec<&'a str>, max_width: f64) -> Legend<'a> {
        let mut rows: Vec<Vec<(usize, &str)>> = Vec::new();
        let mut row_w = 0.0;
        let mut width: f64 = 0.0;
        for (i, name) in names.into_iter().enumerate() {
            let w = Self::entry_width(name);
            let new_row = rows.is_empty() || max_width <= 0.0 || row_w + w > max_width;
            if new_row {
                rows.push(Vec::new());
                row_w = 0.0;
            }
            row_w += w;
            width = width.max(row_w);
            if let Some(row) = rows.last_mut() {
                row.push((i, name));
            }
        }
        let height = rows.len() as f64 * LEGEND_ROW;
        Legend { rows, width, height }
    }

    fn draw(&self, out: &mut String, x: f64, y: f64, left_aligned: bool) {
        for (r, row) in self.rows.iter().enumerate() {
            let row_w: f64 = row.iter().map(|(_, name)| Self::entry_width(name)).sum();
            let mut ex = if left_aligned {
                x
            } else {
                x + (self.width - row_w) / 2.0
            };
            let ey = y + r as f64 * LEGEND_ROW;
            for (i, name) in row {
                let _ = write!(
                    out,
                    r#"<rect x="{}" y="{}" width="14" height="10" fill="{}"/><text x="{}" y="{}" font-size="{LEGEND_SIZE}" fill="{TEXT}">{}</text>"#,
                    n(ex),
                    n(ey + 4.0),
                    color(*i),
                    n(ex + 20.0),
                    n(ey + 13.5),
                    escape(name)
                );
                ex += Self::entry_width(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_scales() {
        let s = Scale::new(0.0, 1620.0);
        assert_eq!((s.lo, s.hi, s.step), (0.0, 2000.0, 500.0));
        let s = Scale::new(-3.0, 7.0);
        assert_eq!((s.lo, s.hi, s.step), (-4.0, 8.0, 2.0));
        let s = Scale::new(0.0, 0.0);
        assert_eq!((s.lo, s.hi, s.step), (0.0, 5.0, 1.0));
        let s = Scale::new(0.0, 0.37);
        assert_eq!(s.decimals, 1);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(fit("南京农业大学", 10.0, 35.0), "南京…");
        assert_eq!(fit("短", 10.0, 35.0), "短");
    }
}
