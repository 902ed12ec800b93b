//! `GET /api/v1/public/programs/{id}/iati.xml`: a published program as an IATI 2.03 activity file (the same file as
//! `duikou export iati --scope program:ID`); anything not public answers 404 exactly as an unknown id.

use super::{made, not_found_json, parse_id, respond, serve, store_err, Made};
use crate::AppState;
use axum::http::HeaderMap;
use axum::response::Response;

/// The media type of the file.
pub const XML: &str = "application/xml; charset=utf-8";

/// The program's IATI file, kept like every public answer (rebuilt after a write) and made anew each day (its
/// activities' status follows the day).
pub async fn program_iati(state: &AppState, headers: &HeaderMap, raw: &str) -> Response {
    let (generated, today) = duikou_store::iati::now();
    let Some(id) = parse_id(raw) else {
        return respond(headers, None, &not_found_json("计划"));
    };
    let (store, public_url) = (state.store.clone(), state.public_url.clone());
    serve(
        state,
        headers,
        format!("iati:program:{id}:{today}"),
        move || async move {
            Ok(
                match store
                    .iati_program(id, today, &generated, public_url.as_deref())
                    .await
                    .map_err(store_err)?
                {
                    Some(file) => Made {
                        file: Some(format!("duikou-program-{id}-iati.xml")),
                        ..made(XML, duikou_report::iati_xml(&file))
                    },
                    None => not_found_json("计划"),
                },
            )
        },
    )
    .await
}
