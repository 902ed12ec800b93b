//! Charts as PNG pictures, for the .docx: the chart's SVG rasterised by resvg with a font bundled in the binary.
//!
//! Why a bundled font: a server renders reports on machines that have no Chinese fonts (containers, CI), and a
//! picture in a Word file cannot fall back to the reader's fonts. `fonts/chart-sans-sc.otf` is a 1.6 MB subset of
//! Noto Sans CJK SC (SIL OFL 1.1, which allows bundling; see `fonts/OFL.txt` and `fonts/make-subset.sh`) holding
//! ASCII, common symbols and punctuation and all 6763 hanzi of GB 2312 — enough for labels of regions, schools,
//! years and categories. A character outside it (a rare name character) is left blank in the picture; the SVG
//! shown on the web page and embedded next to the PNG in the .docx is unaffected.

use crate::chart;
use crate::error::RenderError;
use crate::model::Chart;
use resvg::tiny_skia;
use resvg::usvg;
use std::sync::{Arc, OnceLock};

static FONT: &[u8] = include_bytes!("../fonts/chart-sans-sc.otf");

/// The family name inside the bundled font; first in [`chart::FONT_FAMILY`].
const FONT_NAME: &str = "Noto Sans CJK SC";

/// Pixels per SVG unit: a 640-unit chart becomes 1280 px, about 200 dpi at the 16 cm it is printed.
const SCALE: f32 = 2.0;

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family(FONT_NAME);
        Arc::new(db)
    })
    .clone()
}

/// Renders a chart (with its title) as a PNG picture.
pub fn png(chart: &Chart) -> Result<Vec<u8>, RenderError> {
    rasterise(&chart::render(chart, true), &chart.title)
}

/// Rasterises one SVG produced by [`chart::render`].
pub(crate) fn rasterise(svg: &str, title: &str) -> Result<Vec<u8>, RenderError> {
    let fail = |reason: String| RenderError::Chart {
        title: title.to_string(),
        reason,
    };
    let options = usvg::Options {
        font_family: FONT_NAME.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| fail(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| fail("尺寸无效".to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| fail("尺寸无效".to_string()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| fail(e.to_string()))
}
