//! The parts of an .xlsx package: the zip, the workbook the package points to, its sheets and where each one is.

use super::{bad, xml_error, Xml};
use crate::read::ReadError;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};
use zip::ZipArchive;

/// The zip, with its entries found whatever the case of their names (as Excel finds them).
pub(super) struct Package<R: Read + Seek> {
    zip: ZipArchive<R>,
    /// Lower-cased names with `/` separators → names as stored.
    names: HashMap<String, String>,
}

/// What kind of sheet a workbook lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Worksheet,
    Other,
}

/// One sheet the workbook lists.
#[derive(Debug, Clone)]
pub(super) struct Sheet {
    pub name: String,
    /// The sheet's part in the zip.
    pub path: String,
    pub kind: Kind,
    pub visible: bool,
}

/// The workbook: its sheets in order, and whether its dates count from 1904.
#[derive(Debug, Default)]
pub(super) struct Workbook {
    pub sheets: Vec<Sheet>,
    pub is_1904: bool,
    /// The folder of the workbook part ("xl/"), where the shared strings and styles are.
    pub dir: String,
}

impl<R: Read + Seek> Package<R> {
    pub(super) fn open(input: R) -> Result<Self, ReadError> {
        let zip = ZipArchive::new(input).map_err(|_| bad("压缩包已损坏或不完整"))?;
        let mut names = HashMap::with_capacity(zip.len());
        for name in zip.file_names() {
            let name = name.map_err(|_| bad("压缩包中有无法识别的文件名"))?;
            names.insert(name.replace('\\', "/").to_ascii_lowercase(), name.to_string());
        }
        Ok(Package { zip, names })
    }

    /// A part read as XML, or None when the zip has no such part.
    pub(super) fn xml(&mut self, path: &str) -> Result<Option<Xml<BufReader<zip::read::ZipFile<'_, R>>>>, ReadError> {
        let stored = self
            .names
            .get(&path.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or(path);
        match self.zip.by_name(stored) {
            Ok(file) => {
                let mut xml = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, file));
                let config = xml.config_mut();
                config.check_end_names = false;
                config.trim_text(false);
                config.check_comments = false;
                config.expand_empty_elements = true;
                Ok(Some(xml))
            }
            Err(zip::result::ZipError::FileNotFound) => Ok(None),
            Err(_) => Err(bad(format!("压缩包中的 {path} 已损坏"))),
        }
    }

    /// The workbook as the package's relationships name it, with its sheets.
    pub(super) fn workbook(&mut self) -> Result<Workbook, ReadError> {
        let (dir, file) = self.workbook_part()?;
        let rels_path = format!("{dir}_rels/{file}.rels");
        let rels = self.relationships(&rels_path)?;
        let path = format!("{dir}{file}");
        let mut book = Workbook {
            dir: dir.clone(),
            ..Workbook::default()
        };
        let Some(mut xml) = self.xml(&path)? else {
            return Ok(book);
        };
        let mut buf = Vec::with_capacity(1024);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|e| xml_error(&path, e))? {
                Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                    let mut name = String::new();
                    let mut id = String::new();
                    let mut visible = true;
                    for (key, value) in attributes(&e, &path)? {
                        match key.as_str() {
                            "name" => name = unescape(&value, &path)?,
                            "state" => {
                                visible = match value.as_str() {
                                    "visible" => true,
                                    "hidden" | "veryHidden" => false,
                                    other => return Err(bad(format!("工作表“{name}”的可见性“{other}”无法识别"))),
                                }
                            }
                            k if k == "id" || k.ends_with(":id") => id = value,
                            _ => {}
                        }
                    }
                    let (target, kind) = rels
                        .get(&id)
                        .ok_or_else(|| bad(format!("工作表“{name}”在工作簿中找不到对应的部件")))?;
                    let path = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("{dir}{target}"),
                    };
                    let kind = match kind.rsplit('/').next() {
                        Some("worksheet") => Kind::Worksheet,
                        Some("chartsheet" | "dialogsheet") => Kind::Other,
                        _ => return Err(bad(format!("工作表“{name}”的类型无法识别"))),
                    };
                    book.sheets.push(Sheet {
                        name,
                        path,
                        kind,
                        visible,
                    });
                }
                Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                    if let Some((_, v)) = attributes(&e, &path)?.into_iter().find(|(k, _)| k == "date1904") {
                        book.is_1904 = v == "1" || v == "true";
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "workbook" => break,
                Event::Eof => return Err(bad(format!("{path} 不完整"))),
                _ => {}
            }
        }
        Ok(book)
    }

    /// The folder and file name of the workbook part, from `_rels/.rels`.
    fn workbook_part(&mut self) -> Result<(String, String), ReadError> {
        let path = "_rels/.rels";
        let mut xml = self
            .xml(path)?
            .ok_or_else(|| bad("缺少 _rels/.rels（不是 Excel 工作簿）"))?;
        let mut buf = Vec::with_capacity(1024);
        let mut target = None;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|e| xml_error(path, e))? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    let attrs = attributes(&e, path)?;
                    let get = |name: &str| attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
                    if get("Type").is_some_and(|t| t.ends_with("/relationships/officeDocument")) {
                        if let Some(t) = get("Target") {
                            target = Some(unescape(t, path)?);
                        }
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
                Event::Eof => return Err(bad(format!("{path} 不完整"))),
                _ => {}
            }
        }
        let target = target.ok_or_else(|| bad("包中没有指明工作簿（不是 Excel 工作簿）"))?;
        let (dir, name) = match target.rfind('/') {
            Some(i) => target.split_at(i + 1),
            None => ("", target.as_str()),
        };
        let dir = dir.strip_prefix('/').unwrap_or(dir).to_string();
        let name = if name.is_empty() { "workbook.xml" } else { name };
        Ok((dir, name.to_string()))
    }

    /// The relationships of a part: id → (target, type).
    fn relationships(&mut self, path: &str) -> Result<HashMap<String, (String, String)>, ReadError> {
        let mut xml = self.xml(path)?.ok_or_else(|| bad(format!("缺少 {path}")))?;
        let mut rels = HashMap::new();
        let mut buf = Vec::with_capacity(256);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).map_err(|e| xml_error(path, e))? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    let mut id = None;
                    let mut target = String::new();
                    let mut kind = String::new();
                    for (k, v) in attributes(&e, path)? {
                        match k.as_str() {
                            "Id" => id = Some(v),
                            "Target" => target = v,
                            "Type" => kind = v,
                            _ => {}
                        }
                    }
                    if let Some(id) = id {
                        rels.insert(id, (target, kind));
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
                Event::Eof => return Err(bad(format!("{path} 不完整"))),
                _ => {}
            }
        }
        Ok(rels)
    }
}

/// An element's attributes as (name, raw value) pairs.
pub(super) fn attributes(e: &BytesStart<'_>, part: &str) -> Result<Vec<(String, String)>, ReadError> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|_| bad(format!("{part} 中有无法解析的属性")))?;
        out.push((a.key.as_ref().to_string(), a.value.into_owned()));
    }
    Ok(out)
}

/// A raw attribute value with its XML escapes (`&amp;` …) resolved.
pub(super) fn unescape(raw: &str, part: &str) -> Result<String, ReadError> {
    quick_xml::escape::unescape(raw)
        .map(|v| v.into_owned())
        .map_err(|_| bad(format!("{part} 中有无法识别的转义")))
}
