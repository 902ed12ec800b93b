//! The fixed parts of the .docx package: content types, relationships, styles, fonts, settings, footer.
//!
//! Layout follows GB/T 9704-2012 (党政机关公文格式) where a 工作总结 is expected to: A4, margins 37/35/28/26 mm,
//! body in 三号仿宋 on a fixed 28 pt line, 一级标题 三号黑体, 二级标题 三号楷体, title 二号小标宋, page numbers
//! "— 1 —" in 四号宋体. Fonts are named as Chinese government machines have them (仿宋_GB2312…); each name carries
//! a fallback chain in fontTable.xml (`w:altName`, GB 2312 charset, family and pitch) so Word and WPS substitute a
//! close face on machines that lack it, and LibreOffice maps the charset to whatever CJK face is installed.

use crate::xml::escape;

pub(crate) const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(crate) const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_BASE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Body font (三号仿宋): the name government templates use, then what Windows ships.
pub(crate) const FONT_BODY: &str = "仿宋_GB2312";
/// Title font (二号小标宋).
pub(crate) const FONT_TITLE: &str = "方正小标宋简体";
/// Level-1 headings (一、…).
pub(crate) const FONT_H1: &str = "黑体";
/// Level-2 headings (（一）…) and the subtitle.
pub(crate) const FONT_H2: &str = "楷体_GB2312";
/// Page numbers (四号宋体).
const FONT_SONG: &str = "宋体";
const SONG_FONTS: &str = r#"<w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体"/>"#;
const FONT_LATIN: &str = "Times New Roman";

/// Text width of the page in twips: A4 (11906) less 28 mm and 26 mm margins.
pub(crate) const TEXT_WIDTH_TWIPS: u32 = 11906 - 1588 - 1474;

/// One picture of a chart in the package.
pub(crate) struct Media {
    pub png_name: String,
    pub png_rel: String,
    pub png: Vec<u8>,
    pub svg_name: String,
    pub svg_rel: String,
    pub svg: String,
}

pub(crate) fn content_types() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="svg" ContentType="image/svg+xml"/>{}</Types>"#,
        [
            (
                "/word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
            ),
            (
                "/word/styles.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
            ),
            (
                "/word/settings.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
            ),
            (
                "/word/fontTable.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
            ),
            (
                "/word/footer1.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
            ),
            (
                "/docProps/core.xml",
                "application/vnd.openxmlformats-package.core-properties+xml"
            ),
            (
                "/docProps/app.xml",
                "application/vnd.openxmlformats-officedocument.extended-properties+xml"
            ),
        ]
        .iter()
        .map(|(part, ty)| format!(r#"<Override PartName="{part}" ContentType="{ty}"/>"#))
        .collect::<String>()
    )
}

pub(crate) fn package_rels() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_BASE}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{REL_BASE}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

/// Relationships of document.xml: the fixed parts, then a PNG and an SVG per chart.
pub(crate) fn document_rels(media: &[Media]) -> String {
    let mut rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="{REL_BASE}/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="{REL_BASE}/settings" Target="settings.xml"/><Relationship Id="rIdFonts" Type="{REL_BASE}/fontTable" Target="fontTable.xml"/><Relationship Id="rIdFooter1" Type="{REL_BASE}/footer" Target="footer1.xml"/>"#
    );
    for m in media {
        rels.push_str(&format!(
            r#"<Relationship Id="{}" Type="{REL_BASE}/image" Target="media/{}"/><Relationship Id="{}" Type="{REL_BASE}/image" Target="media/{}"/>"#,
            m.png_rel, m.png_name, m.svg_rel, m.svg_name
        ));
    }
    rels.push_str("</Relationships>");
    rels
}

pub(crate) fn core_props(title: &str) -> String {
    // No dates: the same document renders to the same bytes, which keeps snapshot tests and caches honest.
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>duikou</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>"#,
        escape(title)
    )
}

pub(crate) fn app_props() -> String {
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>duikou</Application></Properties>"#
        .to_string()
}

pub(crate) fn settings() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{NS_W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>"#
    )
}

/// Fonts with their fallbacks. `w:altName` is what Word tries when the named face is missing; the GB 2312 charset
/// (86), family and pitch let it (and WPS, LibreOffice) pick a similar Chinese face when the alternative is missing
/// too. The chains: 仿宋_GB2312 → 仿宋 → FangSong → SimSun; 方正小标宋简体 → 黑体 → SimHei;
/// 楷体_GB2312 → 楷体 → KaiTi → SimSun.
pub(crate) fn font_table() -> String {
    let fonts: [(&str, Option<&str>, &str, &str); 12] = [
        (FONT_BODY, Some("仿宋"), "modern", "fixed"),
        ("仿宋", Some("FangSong"), "modern", "fixed"),
        ("FangSong", Some("SimSun"), "modern", "fixed"),
        (FONT_TITLE, Some("黑体"), "script", "fixed"),
        (FONT_H1, Some("SimHei"), "modern", "fixed"),
        ("SimHei", None, "modern", "fixed"),
        (FONT_H2, Some("楷体"), "modern", "fixed"),
        ("楷体", Some("KaiTi"), "modern", "fixed"),
        ("KaiTi", Some("SimSun"), "modern", "fixed"),
        (FONT_SONG, Some("SimSun"), "auto", "variable"),
        ("SimSun", None, "auto", "variable"),
        (FONT_LATIN, None, "roman", "variable"),
    ];
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{NS_W}">"#
    );
    for (name, alt, family, pitch) in fonts {
        let charset = if name == FONT_LATIN { "00" } else { "86" };
        let alt = alt.map(|a| format!(r#"<w:altName w:val="{a}"/>"#)).unwrap_or_default();
        out.push_str(&format!(
            r#"<w:font w:name="{name}">{alt}<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>"#
        ));
    }
    out.push_str("</w:fonts>");
    out
}

/// Run fonts: Latin text in Times New Roman (or 宋体 in the footer), Chinese in `east_asia`.
fn fonts(east_asia: &str) -> String {
    format!(r#"<w:rFonts w:ascii="{FONT_LATIN}" w:hAnsi="{FONT_LATIN}" w:eastAsia="{east_asia}" w:cs="{FONT_LATIN}"/>"#)
}

/// Styles. (Element order inside `w:pPr`/`w:rPr` follows the schema's sequence: Word reports a file with
/// misordered properties as damaged.) Heading 1/2 use Word's built-in names ("heading 1") and outline levels, so the navigation pane, the
/// table of contents and WPS's 导航窗格 all see them.
pub(crate) fn styles() -> String {
    // Sizes are half-points: 二号 22 pt = 44, 三号 16 pt = 32, 四号 14 pt = 28, 小四 12 pt = 24.
    // A fixed 28 pt line gives the 22 lines per page of GB/T 9704; pictures and tables use single spacing
    // instead, because a fixed line height would crop an inline picture to one line.
    let indent = r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#;
    let fixed_line = r#"<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/>"#;
    let single = r#"<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>"#;
    let body_fonts = fonts(FONT_BODY);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{NS_W}"><w:docDefaults><w:rPrDefault><w:rPr>{body_fonts}<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/>{fixed_line}<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{indent}</w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Subtitle"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="240" w:line="360" w:lineRule="auto"/><w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr><w:rPr>{title_fonts}<w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="240" w:line="560" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr>{h2_fonts}</w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/>{indent}<w:outlineLvl w:val="0"/></w:pPr><w:rPr>{h1_fonts}<w:b w:val="0"/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/>{indent}<w:outlineLvl w:val="1"/></w:pPr><w:rPr>{h2_fonts}<w:b w:val="0"/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="120" w:after="120" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr><w:rPr>{h1_fonts}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/>{single}<w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr>{single}<w:jc w:val="center"/></w:pPr><w:rPr>{song}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>{borders}</w:tblBorders></w:tblPr></w:style>
</w:styles>"#,
        title_fonts = fonts(FONT_TITLE),
        h1_fonts = fonts(FONT_H1),
        h2_fonts = fonts(FONT_H2),
        song = SONG_FONTS,
        borders = table_borders(),
    )
}

/// Single 0.5 pt black lines around and between all cells.
pub(crate) fn table_borders() -> String {
    ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|side| format!(r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#))
        .collect()
}

/// The footer: "— PAGE —", centred, as a real PAGE field so Word and LibreOffice number every page.
pub(crate) fn footer() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{NS_W}" xmlns:r="{NS_R}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#
    )
}

/// Section properties: A4 portrait with GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
pub(crate) fn section_properties() -> &'static str {
    r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="1134" w:gutter="0"/><w:cols w:space="425"/></w:sectPr>"#
}
