//! Request parsing that answers bad input in Chinese: bodies that are not UTF-8 or not JSON, ids that are not numbers,
//! query strings that cannot be decoded.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde_json::Value;

/// A JSON body, checked for UTF-8 and syntax with a precise message.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("请求体无法读取或过大：{e}"),
            )
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses a JSON document, telling broken UTF-8 apart from broken JSON.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(ApiError::bad_request(
            "bad_encoding",
            "",
            format!("请求体不是有效的 UTF-8 编码（第 {} 字节处）", e.valid_up_to() + 1),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("bad_json", "", "请求体为空，应为 JSON 对象"));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            "bad_json",
            "",
            format!("请求体不是有效的 JSON（第 {} 行第 {} 列）：{e}", e.line(), e.column()),
        )
    })
}

/// What kind of JSON value `v` is, in words (for messages that say what came instead of an object).
pub fn json_kind_zh(v: &Value) -> &'static str {
    match v {
        Value::Null => "空值（null）",
        Value::Bool(_) => "布尔值",
        Value::Number(_) => "数字",
        Value::String(_) => "文本",
        Value::Array(_) => "数组",
        Value::Object(_) => "对象",
    }
}

/// Parses a path id.
pub fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| ApiError::bad_request("bad_id", "id", format!("编号（id）应为正整数，收到“{raw}”")))
}

/// Decodes a raw query string into pairs.
///
/// A NUL character (`%00`) is refused here with the parameter's name: no field may hold one, and PostgreSQL cannot
/// store or compare one.
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .map_err(|e| ApiError::bad_request("bad_query", "", format!("查询参数无法解析：{e}")))?;
    if let Some((k, _)) = pairs.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
        let name = k.replace('\0', "\\0");
        return Err(ApiError::bad_request(
            "control_char",
            &name,
            format!("查询参数“{name}”含有不允许的空字符（%00）"),
        ));
    }
    Ok(pairs)
}

/// A `Content-Disposition` value for a download with a Chinese file name (RFC 5987).
pub fn attachment_disposition(name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename*=UTF-8''{encoded}")
}

/// An upload written to a temporary file as it arrived; the file is removed when this is dropped.
pub struct Spooled {
    /// Where the file is.
    pub path: tempfile::TempPath,
    /// How many bytes it holds.
    pub size: u64,
}

/// Writes an uploaded file from the request body to a temporary file as it arrives, never holding more than a frame
/// of it, and stops at `limit` bytes with a 413 naming the limit: a declared `Content-Length` over the limit is
/// refused before anything is read.
pub async fn spool_upload(
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
    limit: usize,
    field: &str,
) -> Result<Spooled, ApiError> {
    use http_body_util::BodyExt;
    use tokio::io::AsyncWriteExt;
    let too_large = || ApiError {
        field: Some(field.to_string()),
        ..ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("文件过大：最大 {} MB", limit / (1024 * 1024)),
        )
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let (file, path) = tempfile::NamedTempFile::new().map_err(spool_failed)?.into_parts();
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut size: u64 = 0;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::bad_request("body", field, format!("上传的文件未能读完：{e}")))?;
        if let Ok(data) = frame.into_data() {
            size += data.len() as u64;
            if size > limit as u64 {
                return Err(too_large());
            }
            out.write_all(&data).await.map_err(spool_failed)?;
        }
    }
    out.flush().await.map_err(spool_failed)?;
    Ok(Spooled { path, size })
}

/// The server could not keep an upload on its disk (full, or not writable): its fault, logged.
pub fn spool_failed(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "cannot spool an upload to a temporary file");
    ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "spool",
        "服务器无法暂存上传的文件，请稍后重试或联系管理员",
    )
}
