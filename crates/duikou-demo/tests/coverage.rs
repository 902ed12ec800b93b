//! The seed-fact ledger, measured: every quantity the nine seed essays state is either a fact the demo record should
//! hold (which record, which field, which value) or a fact that is not about the record (with the reason); this test
//! looks each one up in a freshly loaded demo, writes the work summaries of the demo's pairings and programs, and
//! counts how many facts the summaries restate. It prints the coverage and holds today's figures as a floor.
//!
//! The ledger is `tests/data/seed_ledger.jsonl` (its rules are in `tests/data/README.md`); the annotations it decides
//! on are `crates/duikou-text/testdata/seed_annotations.jsonl`.

use duikou_store::summary::Scope;
use duikou_store::{ListQuery, Store};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Our decision on each annotation.
const LEDGER: &str = include_str!("data/seed_ledger.jsonl");
/// Every quantity mention of the nine essays, annotated by hand.
const ANNOTATIONS: &str = include_str!("../../duikou-text/testdata/seed_annotations.jsonl");

/// Facts about the record the demo holds exactly today (value, unit and qualifier — 余, 约, a range's high end — as
/// the essay writes them, and nothing the schema lacks). A floor, not a goal: the goal (issue 16) is every fact about
/// the record, held exactly. Raise it when the demo holds more (130 before figures kept their qualifiers and dates their
/// precision, 145 before yearly plans were their own records, 160 before counts kept their own units, 189 before 第3篇's
/// tasks were unit tasks with their goods' category, 193 before 九龙镇 was a town of the record with its own indicator
/// values and 第2篇's survey, network and canteen were counted by kind; 225 before 第9篇's coalfield, power plant and
/// 2011 rental-housing plan were outputs and 第3篇's 28 units an attribute of 国家体育总局, 229 before 第1篇's nine
/// colleges were counted on the visit to them, 230 before indicator values kept how their periods are meant (以来, 最高,
/// 前后), outputs a quantity of no stated stage, plans their number of kinds, tasks a unit price, counts 口 and 个月, and
/// 新疆's and 阿克苏's pairing lists were their statistics, 257 before tiers were held as the source writes them:
/// 20人以下, 20-50人, 50人以上).
const HELD_EXACTLY_AT_LEAST: usize = 264;
/// Facts about the record whose value the demo holds, all told (exactly or without a qualifier, unit or precision).
const HELD_AT_LEAST: usize = 264;
/// Facts about the record some work summary of their pairings or program restates with the same number and unit.
/// The goal (issue 17) is at least 95 % of them. Lowered from 65 when the summary stopped counting disputed facts and
/// summing yearly plans with their parts (issue 17 items 1–3): which five facts went is still to be listed. Raised to
/// 62 when the project table kept approximate amounts in their words (约1000万元, 约825万元); to 67 when yearly plans
/// became their own records, told once with their count and money (issue 16 item 3); to 92 when counts kept their own
/// units and the summary told them with their activity (issue 16 item 5); 95 when the program summary could be written again;
/// 166 when the summary told indicators before and after, each activity's, gift's, plan's and key project's own figures,
/// the supporting universities in 所 and how long a program or pairing ran (issue 17 item 4), and 人 and 名 counted
/// alike here (while 人次 stopped passing for 人); 167 when 湖南's 110 cadres were dated to the year they arrived (2011)
/// and their average age could be told; 199 when 九龙镇's baseline was its own indicator values, told with 绵竹市's by
/// each area's name, and 第2篇's counts by kind were told with their activities; 200 with 第9篇's new outputs; 211
/// when 基本情况 told the receivers' and supporters' attributes by the registry's labels (职工13名, 援建学科10个); 217
/// when a program of regions in one province told that province's own statistics (第5篇's 新疆 figures); 221 when
/// the yearly tasks serving a program were told with their targets and progress (第3篇's 10套, 14万元, 4万元); 224
/// when people were told by where they went and from how many units (第4篇's 8个 cities' 126名 and 3个); 225 with
/// 第5篇's 30多个部委 as 新疆's statistic; 234 with the pairing lists of 第5、6篇 as 新疆's statistics, the wells,
/// the 北林 teacher's grant and the system's value; 244 when 基本情况 told the requirements of the programs and
/// agreements as their rules read (一周 as 1周（7天）, the tiers, 80%) and the authority's attributes; 248 when a school-year program's term was told in school years (按学年计为期3年) and a gift
/// over whole years with them (5年累计); 257 when a month was kept as written (不少于1个月（按30天计）), goods in
/// their own unit (1套), a count in Chinese numerals read as written (一笔, 一批), an open pairing told in its years
/// by the essay's own year (第10个年头) and a disputed share named with its money (1.5多亿元); 259 with posts by their
/// level (6人担任正职), a range read as written (100—200名) and an output's 2011 plan as a statement of its own. Every
/// fact not restated is listed in the output.
const RESTATED_AT_LEAST: usize = 259;

/// Fixed-point value with four decimals, so money in fen and quantities compare exactly.
type Fixed = i128;
const SCALE: i128 = 10_000;

/// Parses a plain decimal (`12780000.00`, `50.56`, `-3`) into [`Fixed`]; anything else is `None`.
fn fixed(s: &str) -> Option<Fixed> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 4 {
        return None;
    }
    let w: i128 = whole.parse().ok()?;
    let f: i128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<4}").parse().ok()?
    };
    let v = w.checked_mul(SCALE)?.checked_add(f)?;
    Some(if neg { -v } else { v })
}

/// A JSON number or numeric string as [`Fixed`].
fn fixed_of(v: &Value) -> Option<Fixed> {
    match v {
        Value::Number(n) => fixed(&n.to_string()),
        Value::String(s) => fixed(s),
        _ => None,
    }
}

/// The magnitude a unit starts with (`亿元` → 10⁸, `万人次` → 10⁴) and the unit without it.
fn magnitude(unit: &str) -> (i128, &str) {
    for (prefix, m) in [
        ("万亿", 1_000_000_000_000),
        ("亿", 100_000_000),
        ("万", 10_000),
        ("千", 1_000),
    ] {
        if let Some(rest) = unit.strip_prefix(prefix) {
            return (m, rest);
        }
    }
    (1, unit)
}

/// The unit a fact is told in, without its magnitude; money is always 元 (`20万` of 课题经费 is 元).
fn base_unit(ann: &Value) -> String {
    if ann["kind"] == "money" {
        return "元".into();
    }
    let unit = ann["unit"].as_str().unwrap_or("");
    let unit = unit.strip_prefix("个年头").map_or(unit, |_| "年");
    magnitude(unit).1.to_string()
}

/// A value inside a record by a dotted path (`attributes.staff`, `rule.target.tiers.0.below`).
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, key| match v {
        Value::Object(m) => m.get(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Finds records by name, caching what it looked up.
struct Lookup<'a> {
    store: &'a Store,
    orgs: BTreeMap<String, Option<i64>>,
    programs: BTreeMap<String, Option<i64>>,
}

impl<'a> Lookup<'a> {
    async fn by_name(store: &Store, entity: &str, name: &str) -> Option<i64> {
        let mut q = ListQuery::default();
        q.filters.insert("name".into(), name.into());
        let page = store.list(entity, &q).await.ok()?;
        (page.total == 1).then(|| page.items[0]["id"].as_i64()).flatten()
    }

    async fn org(&mut self, name: &str) -> Option<i64> {
        if !self.orgs.contains_key(name) {
            let id = Self::by_name(self.store, "orgs", name).await;
            self.orgs.insert(name.into(), id);
        }
        self.orgs[name]
    }

    async fn program(&mut self, name: &str) -> Option<i64> {
        if !self.programs.contains_key(name) {
            let id = Self::by_name(self.store, "programs", name).await;
            self.programs.insert(name.into(), id);
        }
        self.programs[name]
    }

    /// Every record of `entity` matching the exact filters (names of orgs and programs resolved to ids); `None` when a
    /// name or a filter does not resolve, which means the record cannot hold the fact.
    async fn list(&mut self, entity: &str, filters: &[(String, String)]) -> Option<Vec<Value>> {
        let mut q = ListQuery::default();
        for (k, v) in filters {
            let v = if v.parse::<i64>().is_ok() {
                v.clone()
            } else if k == "org_id" || k.ends_with("_org_id") || (entity == "orgs" && k == "parent_id") {
                self.org(v).await?.to_string()
            } else if k == "program_id" {
                self.program(v).await?.to_string()
            } else {
                v.clone()
            };
            q.filters.insert(k.clone(), v);
        }
        self.store.list_every(entity, &q).await.ok()
    }

    /// The pairings a ledger line names: of its program, and of its supporter and receiver when given.
    async fn pairings(&mut self, line: &Value) -> Option<Vec<Value>> {
        let mut filters = Vec::new();
        for (key, field) in [
            ("program", "program_id"),
            ("supporter", "supporter_org_id"),
            ("receiver", "receiver_org_id"),
        ] {
            if let Some(name) = line[key].as_str() {
                filters.push((field.to_string(), name.to_string()));
            }
        }
        if filters.is_empty() {
            return None;
        }
        self.list("pairings", &filters).await
    }
}

/// The exact filters of a ledger line's `where`.
fn where_filters(line: &Value) -> Vec<(String, String)> {
    line["where"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect()
        })
        .unwrap_or_default()
}

/// The records a ledger line points at: by scope and exact filters through the list API, then `contains`, `project`
/// and `person` conditions on what came back. `None`: the line names something the record does not have.
async fn records(look: &mut Lookup<'_>, line: &Value) -> Option<Vec<Value>> {
    let entity = line["entity"].as_str()?;
    let def = duikou_domain::schema::entity(entity)?;
    let mut filters = where_filters(line);
    let mut found = Vec::new();
    match entity {
        "pairings" => {
            for (k, v) in [
                ("program", "program_id"),
                ("supporter", "supporter_org_id"),
                ("receiver", "receiver_org_id"),
            ] {
                if let Some(name) = line[k].as_str() {
                    filters.push((v.into(), name.into()));
                }
            }
            found = look.list(entity, &filters).await?;
        }
        "programs" => {
            filters.push(("name".into(), line["program"].as_str()?.into()));
            found = look.list(entity, &filters).await?;
        }
        "orgs" => {
            if let Some(name) = line["org"].as_str() {
                filters.push(("name".into(), name.into()));
            }
            found = look.list(entity, &filters).await?;
        }
        "indicator_values" => {
            let code = line["indicator"].as_str()?;
            let mut q = ListQuery::default();
            q.filters.insert("code".into(), code.into());
            let ind = look.store.list("indicators", &q).await.ok()?;
            let ind = ind.items.first()?;
            filters.push(("indicator_id".into(), ind["id"].as_i64()?.to_string()));
            filters.push(("region_code".into(), line["region"].as_str()?.into()));
            filters.push(("period".into(), line["period"].as_str()?.into()));
            for mut v in look.list(entity, &filters).await? {
                // the unit the value is told in travels with it, for the unit check
                v["unit"] = ind["unit"].clone();
                found.push(v);
            }
        }
        _ if def.field("pairing_id").is_some() => {
            for p in look.pairings(line).await? {
                let mut f = filters.clone();
                f.push(("pairing_id".into(), p["id"].as_i64()?.to_string()));
                found.extend(look.list(entity, &f).await?);
            }
        }
        _ => found = look.list(entity, &filters).await?,
    }
    if let Some(contains) = line["contains"].as_object() {
        found.retain(|r| {
            contains
                .iter()
                .all(|(k, v)| r[k].as_str().zip(v.as_str()).is_some_and(|(a, b)| a.contains(b)))
        });
    }
    if let Some(name) = line["project"].as_str() {
        let mut ids = BTreeSet::new();
        for p in look.pairings(line).await? {
            for pr in look
                .store
                .list_all("projects", "pairing_id", p["id"].as_i64()?)
                .await
                .ok()?
            {
                if pr["name"].as_str().is_some_and(|n| n.contains(name)) {
                    ids.insert(pr["id"].as_i64()?);
                }
            }
        }
        found.retain(|r| r["project_id"].as_i64().is_some_and(|id| ids.contains(&id)));
    }
    if let Some(title) = line["activity"].as_str() {
        // a count or a donated good of an activity whose title holds this
        let mut ids = BTreeSet::new();
        for p in look.pairings(line).await? {
            for a in look
                .store
                .list_all("activities", "pairing_id", p["id"].as_i64()?)
                .await
                .ok()?
            {
                if a["title"].as_str().is_some_and(|n| n.contains(title)) {
                    ids.insert(a["id"].as_i64()?);
                }
            }
        }
        found.retain(|r| r["activity_id"].as_i64().is_some_and(|id| ids.contains(&id)));
    }
    if let Some(person) = line["person"].as_object() {
        let mut kept = Vec::new();
        for r in found {
            let p = look.store.get("people", r["person_id"].as_i64()?).await.ok()?;
            if person
                .iter()
                .all(|(k, allowed)| allowed.as_array().is_some_and(|a| a.contains(&p[k])))
            {
                kept.push(r);
            }
        }
        found = kept;
    }
    Some(found)
}

/// A record's date field at its precision.
fn rec_date(r: &Value, field: &str) -> Option<duikou_domain::RecDate> {
    duikou_domain::RecDate::of(&r[field])
}

/// The first day a record's date field stands for (a start).
fn date(r: &Value, field: &str) -> Option<chrono::NaiveDate> {
    rec_date(r, field).map(|d| d.first)
}

/// The last day a record's date field stands for (an end: "2016" ends on 31 December).
fn end_date(r: &Value, field: &str) -> Option<chrono::NaiveDate> {
    rec_date(r, field).map(|d| d.last())
}

/// What the record says for a ledger line, in the field's unit: the value of each matching record (check `value`), or
/// the one figure the check computes over them.
async fn observed(look: &mut Lookup<'_>, line: &Value, recs: &[Value]) -> Vec<Fixed> {
    let field = line["field"].as_str().unwrap_or("");
    let years = |r: &Value| -> Option<Fixed> {
        let start = date(r, "start_date")?;
        let end =
            end_date(r, "end_date").or_else(|| line["until"].as_str().and_then(duikou_domain::validate::parse_date))?;
        let days = (end - start).num_days() + 1;
        // whole years, rounded: 2013-10-01..2016-08-31 is three years, 2014-06-01..2020-12-31 is seven
        Some(((days as f64 / 365.25).round() as i128) * SCALE)
    };
    match line["check"].as_str().unwrap_or("value") {
        "value" => recs.iter().filter_map(|r| at(r, field).and_then(fixed_of)).collect(),
        "count" => vec![recs.len() as i128 * SCALE],
        "sum" => vec![recs.iter().filter_map(|r| at(r, field).and_then(fixed_of)).sum()],
        "distinct" => {
            let set: BTreeSet<String> = recs.iter().filter_map(|r| at(r, field)).map(Value::to_string).collect();
            if recs.iter().any(|r| at(r, field).is_none()) {
                // a field the records do not have: nothing to count
                return Vec::new();
            }
            vec![set.len() as i128 * SCALE]
        }
        "span_years" => recs.iter().filter_map(years).collect(),
        "days" => recs
            .iter()
            .filter_map(|r| Some(((end_date(r, "end_date")? - date(r, "start_date")?).num_days() as i128 + 1) * SCALE))
            .collect(),
        "months" => recs
            .iter()
            .filter_map(|r| {
                use chrono::Datelike;
                let (s, e) = (date(r, "start_date")?, end_date(r, "end_date")?.succ_opt()?);
                // whole months only: 7月22日 to 9月21日 is two months
                (s.day() == e.day())
                    .then(|| ((e.year() - s.year()) as i128 * 12 + e.month() as i128 - s.month() as i128) * SCALE)
            })
            .collect(),
        "mean_age" => {
            let year = line["year"].as_i64().unwrap_or(0);
            let mut ages = Vec::new();
            for r in recs {
                let Some(id) = r["person_id"].as_i64() else { continue };
                if let Some(by) = look
                    .store
                    .get("people", id)
                    .await
                    .ok()
                    .and_then(|p| p["birth_year"].as_i64())
                {
                    ages.push(year - by);
                }
            }
            if ages.is_empty() {
                return Vec::new();
            }
            let mean = ages.iter().sum::<i64>() as f64 / ages.len() as f64;
            vec![(mean.round() as i128) * SCALE]
        }
        _ => Vec::new(),
    }
}

/// The unit the record keeps for a line's figure, without magnitude: `None` when the record has no unit for it.
fn record_units(line: &Value, rec: Option<&Value>) -> Option<Vec<String>> {
    let entity = line["entity"].as_str()?;
    let field = line["field"].as_str().unwrap_or("");
    let list = |u: &[&str]| Some(u.iter().map(|s| s.to_string()).collect());
    match line["check"].as_str().unwrap_or("value") {
        "span_years" => return list(&["年"]),
        "months" => return list(&["个月"]),
        "days" => return list(&["天"]),
        "mean_age" => return list(&["岁"]),
        "count" => {
            return match entity {
                "dispatches" => list(&["名", "人"]),
                "agreements" => list(&["份"]),
                "pairings" => list(&["所", "个", "对", "市县"]),
                "activities" => list(&["项", "笔", "批", "次", "个"]),
                "projects" => list(&["个", "项"]),
                "orgs" => list(&["个"]),
                _ => None,
            }
        }
        "distinct" => {
            return match field {
                "batch" => list(&["批"]),
                _ if field.ends_with("org_id") => list(&["个"]),
                _ => None,
            }
        }
        _ => {}
    }
    if field.starts_with("attributes.") {
        // an org attribute is a bare number whose name says what it counts
        return Some(Vec::new());
    }
    match (entity, field) {
        (_, "amount" | "aid_amount" | "total_investment" | "leveraged_investment") => list(&["元"]),
        ("project_groups" | "project_group_shares", "project_count") => list(&["个", "项"]),
        ("activity_counts", "value") | ("activity_items", "quantity") => {
            let u = rec?["unit"].as_str()?.to_string();
            // 名 and 人 count people alike
            Some(match u.as_str() {
                "人" | "名" => vec!["人".into(), "名".into()],
                _ => vec![u],
            })
        }
        ("activity_items", "value" | "unit_value") => list(&["元"]),
        ("activities", "person_times") => list(&["人次"]),
        ("activities", "sessions") => list(&["场", "次"]),
        ("activities", "courses") => list(&["门次"]),
        ("activities", "hours") => list(&["课时"]),
        ("activities", "items") => list(&["台", "套", "件"]),
        ("outputs", "per_unit") => Some(vec![rec?["per_unit_unit"].as_str()?.to_string()]),
        ("outputs", _) => Some(vec![rec?["unit"].as_str()?.to_string()]),
        ("indicator_values", _) => Some(vec![magnitude(rec?["unit"].as_str()?).1.to_string()]),
        ("unit_tasks", "target_amount" | "unit_value") => list(&["元"]),
        ("project_groups", "category_count") => list(&["类"]),
        ("unit_tasks", "target_count") => Some(vec![rec?["target_unit"].as_str()?.to_string()]),
        ("obligations", f) if f.ends_with(".below") || f.ends_with(".from") || f.ends_with(".to") => Some(Vec::new()),
        ("obligations", "rule.target.written.value") => {
            Some(vec![rec?["rule"]["target"]["written"]["unit"].as_str()?.to_string()])
        }
        ("obligations", _) => Some(vec![rec?["rule"]["unit"].as_str()?.to_string()]),
        _ => None,
    }
}

/// The qualifier and range high end the record keeps for a line's figure: the matching record's
/// `{field}_approx`/`{field}_upper` for a value, the qualifier of the total (by `approx::Total`) for a sum.
fn record_qualifier(line: &Value, rec: Option<&Value>, recs: &[Value]) -> (Option<String>, Option<Fixed>) {
    use duikou_domain::approx::{figure_of, Total};
    let Some(def) = line["entity"].as_str().and_then(duikou_domain::schema::entity) else {
        return (None, None);
    };
    let field = line["field"].as_str().unwrap_or("");
    let Some(f) = def.field(field).filter(|f| f.approx) else {
        return (None, None);
    };
    let figure = match line["check"].as_str().unwrap_or("value") {
        "value" => rec.and_then(|r| figure_of(f.kind, r, field)),
        "sum" => Some(
            recs.iter()
                .filter_map(|r| figure_of(f.kind, r, field))
                .collect::<Total>()
                .figure(),
        ),
        _ => None,
    };
    let Some(fig) = figure else {
        return (None, None);
    };
    // the high end in the field's unit, as the ledger's value is (money in yuan, quantities as written)
    let upper = fig.upper.map(|u| match f.kind {
        duikou_domain::schema::FieldKind::Money => u as i128 * SCALE / 100,
        duikou_domain::schema::FieldKind::Qty => u as i128,
        _ => u as i128 * SCALE,
    });
    (fig.qualifier.map(|q| q.word().to_string()), upper)
}

/// Whether two units are the same; 项 and 个 both count projects (援建项目数 is kept in 个), and 个 counts the 市县
/// of "9市县" (受援县（市）9个).
fn same_unit(a: &str, b: &str) -> bool {
    a == b || (matches!(a, "项" | "个" | "市县") && matches!(b, "项" | "个" | "市县") && (a == "个" || b == "个"))
}

/// Checks a ledger line's `contradicts` (`{"whole": start, "parts": [start, …]}`, starts of the same essay's
/// annotations, the line's own among the parts): the parts' annotated values must not add up to the whole's. Says
/// how they do not.
fn contradiction(c: &Value, anns: &BTreeMap<(i64, i64), &Value>, essay: i64) -> Result<String, String> {
    let value = |start: &Value| -> Result<Fixed, String> {
        let start = start.as_i64().ok_or("contradicts: a start is not a number")?;
        anns.get(&(essay, start))
            .and_then(|a| fixed_of(&a["value"]))
            .ok_or(format!("contradicts: no annotated value at {start}"))
    };
    let whole = value(&c["whole"])?;
    let parts = c["parts"]
        .as_array()
        .filter(|p| p.len() > 1)
        .ok_or("contradicts: parts must list two or more")?;
    let values: Vec<Fixed> = parts.iter().map(value).collect::<Result<_, _>>()?;
    let sum: Fixed = values.iter().sum();
    if sum == whole {
        return Err(format!(
            "contradicts: the parts add up to the whole ({})",
            whole / SCALE
        ));
    }
    let shown: Vec<String> = values.iter().map(|v| (v / SCALE).to_string()).collect();
    Ok(format!("{} = {} ≠ {}", shown.join(" + "), sum / SCALE, whole / SCALE))
}

/// How a ledger line fared.
#[derive(Default, Clone, Copy)]
struct Tally {
    about: usize,
    exact: usize,
    loose: usize,
    missing: usize,
    restated: usize,
    not_record: usize,
    contradicted: usize,
}

/// The value of a small number written in Chinese numerals (一, 两, 十二, 三十), as summaries write a count of one
/// batch or two topics (专项资金一笔, 办公电脑一批); `None` for anything else.
fn chinese_small(s: &str) -> Option<i128> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|d| d as i128);
    let cs: Vec<char> = s.chars().map(|c| if c == '两' { '二' } else { c }).collect();
    match cs.as_slice() {
        [d] if *d != '十' => digit(*d),
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// One number with its unit as written in a summary: value (absolute) and the text after it. Digits are read with
/// their magnitude and qualifier (1.2万余人次); a small count in Chinese numerals (一批, 两项) is read too, unless it
/// is an ordinal (第一批) or part of a longer run of numerals.
fn numbers_in(text: &str) -> Vec<(Fixed, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let numeral = |c: char| "零一二两三四五六七八九十百千".contains(c);
    let mut i = 0;
    while i < chars.len() {
        if numeral(chars[i]) && (i == 0 || !(numeral(chars[i - 1]) || chars[i - 1] == '第')) {
            let mut j = i;
            while j < chars.len() && numeral(chars[j]) {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            if let Some(v) = chinese_small(&run) {
                let rest: String = chars[j..chars.len().min(j + 12)].iter().collect();
                out.push((v * SCALE, rest));
            }
            i = j;
            continue;
        }
        let starts = chars[i].is_ascii_digit() && (i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut num = String::new();
        while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.' || chars[j] == ',') {
            if chars[j] != ',' {
                num.push(chars[j]);
            }
            j += 1;
        }
        let num = num.trim_end_matches('.');
        // a range (100—200名, 6—12个月): its low end takes the unit written after the high end
        let mut after = j;
        if j + 1 < chars.len() && matches!(chars[j], '—' | '-' | '～' | '~') && chars[j + 1].is_ascii_digit() {
            after = j + 1;
            while after < chars.len() && (chars[after].is_ascii_digit() || chars[after] == '.') {
                after += 1;
            }
        }
        let rest: String = chars[after..chars.len().min(after + 12)].iter().collect();
        // 1500余课时, 1.2万余人次, 3700万元: qualifiers may sit before or after the magnitude
        let rest = rest.trim_start_matches(['余', '多']);
        let (mag, rest) = magnitude(rest);
        let rest = rest.trim_start_matches(['余', '多']);
        if let Some(v) = fixed(num).and_then(|v| v.checked_mul(mag)) {
            out.push((v, rest.to_string()));
        }
        i = j;
    }
    out
}

/// Whether a summary restates an annotated fact: the same value (normalised) followed by the same unit; 人 and 名
/// count people alike, 项 and 个 projects and items alike.
fn restates(numbers: &[(Fixed, String)], ann: &Value) -> bool {
    let Some(value) = fixed_of(&ann["value"]) else {
        return false;
    };
    let unit = base_unit(ann);
    let alike: &[&str] = match unit.as_str() {
        "人" | "名" => &["人", "名"],
        "项" | "个" => &["项", "个"],
        // the years a pairing has run, counted with the first (第10个年头), are its 10年
        "年" => &["年", "个年头"],
        // 9市县 are 9个 of 受援县（市）, as the held rule counts them
        "市县" => &["市县", "个"],
        u => &[u][..],
    };
    numbers.iter().any(|(v, rest)| {
        // 人次 is not 人
        let person_times = rest.starts_with("人次") && unit != "人次";
        *v == value && !person_times && alike.iter().any(|u| rest.starts_with(u))
    })
}

/// The summary of one scope over a period (`term`, its whole term), as Markdown; `Err` says why none could be
/// written.
async fn summary(store: &Store, scope: Scope, period: &str) -> Result<String, String> {
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("日期无效")?;
    let period: duikou_domain::Period = period.parse().map_err(|e| format!("{e}"))?;
    // the ledger asks whether the record's facts reach a summary, confirmed or still awaiting confirmation (the
    // default summary states the latter apart, outside its totals)
    let form = duikou_summary::Form {
        pending: duikou_summary::Pending::Include,
        briefing: false,
    };
    let input = store
        .summary_input_as(&scope, &period, as_of, form)
        .await
        .map_err(|e| e.to_string())?;
    // the summary writer is not ours to fix here: a panic is reported (once, below) as a summary that could not be
    // written, without its backtrace
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        duikou_summary::build(&input).map(|(doc, _)| duikou_report::markdown(&doc))
    }));
    std::panic::set_hook(hook);
    written
        .map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into())
        })?
        .map_err(|e| e.to_string())
}

fn parse_lines(text: &str, what: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what} line {}: {e}", i + 1)))
        .collect()
}

fn key(v: &Value) -> (i64, i64) {
    (v["essay"].as_i64().unwrap_or(0), v["start"].as_i64().unwrap_or(-1))
}

#[tokio::test]
async fn every_seed_fact_is_accounted_for_and_the_demo_holds_what_it_holds() {
    let annotations = parse_lines(ANNOTATIONS, "seed_annotations.jsonl");
    let ledger = parse_lines(LEDGER, "seed_ledger.jsonl");

    // nothing unaccounted: one ledger line per annotation, and no line for a fact that was never annotated
    let ann_by_key: BTreeMap<(i64, i64), &Value> = annotations.iter().map(|a| (key(a), a)).collect();
    assert_eq!(ann_by_key.len(), annotations.len(), "annotations repeat a key");
    let mut seen = BTreeSet::new();
    for l in &ledger {
        assert!(seen.insert(key(l)), "ledger decides {:?} twice", key(l));
        assert!(
            ann_by_key.contains_key(&key(l)),
            "ledger line {:?} has no annotation",
            key(l)
        );
        match l["about"].as_str() {
            Some("record") => assert!(l["entity"].is_string() && l["value"].is_string(), "{l}"),
            Some("not_record") => assert!(l["reason"].as_str().is_some_and(|r| !r.is_empty()), "{l}"),
            _ => panic!("ledger line {:?}: about must be record or not_record", key(l)),
        }
    }
    let missing_lines: Vec<_> = ann_by_key.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missing_lines.is_empty(),
        "annotations without a ledger line: {missing_lines:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("demo.db").to_string_lossy())
        .await
        .unwrap();
    duikou_demo::load(&store).await.unwrap();
    let mut look = Lookup {
        store: &store,
        orgs: BTreeMap::new(),
        programs: BTreeMap::new(),
    };

    // the summaries: every pairing's and every program's, over its whole term
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("seed_summaries");
    std::fs::create_dir_all(&out).unwrap();
    let mut texts: BTreeMap<(&str, i64), Vec<(Fixed, String)>> = BTreeMap::new();
    let mut unwritten = Vec::new();
    for (kind, entity) in [("pairing", "pairings"), ("program", "programs")] {
        for r in store.list_every(entity, &ListQuery::default()).await.unwrap() {
            let id = r["id"].as_i64().unwrap();
            let scope = if kind == "pairing" {
                Scope::Pairing(id)
            } else {
                Scope::Program(id)
            };
            match summary(&store, scope, "term").await {
                Ok(md) => {
                    std::fs::write(out.join(format!("{kind}-{id}.md")), &md).unwrap();
                    texts.insert((kind, id), numbers_in(&md));
                }
                Err(e) => unwritten.push(format!("{kind} {id}: {e}")),
            }
        }
    }

    let mut per_essay: BTreeMap<i64, Tally> = BTreeMap::new();
    let mut needs: BTreeMap<String, usize> = BTreeMap::new();
    let mut missing = Vec::new();
    let mut unrestated = Vec::new();
    let mut contradicted = Vec::new();
    let mut dishonest = Vec::new();
    for l in &ledger {
        let k = key(l);
        let ann = ann_by_key[&k];
        let t = per_essay.entry(k.0).or_default();
        if l["about"] == "not_record" {
            t.not_record += 1;
            continue;
        }
        t.about += 1;
        let line_needs: Vec<&str> = l["needs"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for n in &line_needs {
            *needs.entry(n.to_string()).or_default() += 1;
        }
        let recs = records(&mut look, l).await.unwrap_or_default();
        let expected = fixed(l["value"].as_str().unwrap_or("")).unwrap_or(Fixed::MIN);
        let got = observed(&mut look, l, &recs).await;
        let hit = got.iter().position(|v| *v == expected);
        let rec = match l["check"].as_str().unwrap_or("value") {
            "value" | "span_years" | "days" | "months" => hit.and_then(|i| recs.get(i)),
            _ => recs.first(),
        };

        // the ledger must be honest: its value is the annotation's, in the field's unit …
        let fact_unit = base_unit(ann);
        let units = record_units(l, rec);
        let loses = |n: &str| line_needs.contains(&n);
        if !loses("unit") && !loses("range") {
            let field_unit = rec.and_then(|r| {
                if l["entity"] == "indicator_values" {
                    r["unit"].as_str().map(str::to_string)
                } else {
                    None
                }
            });
            let scale = field_unit.as_deref().map_or(1, |u| magnitude(u).0);
            let annotated = fixed_of(&ann["value"]);
            let stated = if fact_unit == "周" {
                annotated.map(|v| v * 7)
            } else {
                annotated
            };
            if expected.checked_mul(scale) != stated {
                dishonest.push(format!(
                    "{k:?}: ledger value {} is not the annotated {}",
                    l["value"], ann["value"]
                ));
            }
        }
        // … a qualifier the record cannot keep is named, and so is a unit it does not keep
        let (kept_qualifier, mut kept_upper) = record_qualifier(l, rec, &recs);
        // a tier written with its ends keeps 以下 in its `to`, 以上 in its `from`, and a range's high end in the `to`
        // beside its `from`
        let field = l["field"].as_str().unwrap_or("");
        let tier_end =
            |end: &str| l["entity"] == "obligations" && field.starts_with("rule.target.tiers.") && field.ends_with(end);
        if tier_end(".from") {
            let to = format!("{}.to", field.trim_end_matches(".from"));
            kept_upper = rec.and_then(|r| at(r, &to)).and_then(fixed_of);
        }
        let tier_keeps = (tier_end(".to") && ann["approx"] == "以下")
            || (tier_end(".from") && matches!(ann["approx"].as_str(), Some("以上" | "不少于" | "至少")));
        let qualifier_matches = kept_qualifier.as_deref() == ann["approx"].as_str();
        let upper_matches = kept_upper == fixed_of(&ann["value_max"]);
        let qualifier_kept = tier_keeps
            || (l["entity"] == "obligations"
                && rec.is_some_and(|r| r["rule"]["comparison"] == "at_least")
                && matches!(ann["approx"].as_str(), Some("不少于" | "至少" | "以上")))
            || (hit.is_some() && ann["approx"].is_string() && qualifier_matches);
        if ann["value_max"].is_number() && !(hit.is_some() && upper_matches) && !loses("range") {
            dishonest.push(format!(
                "{k:?}: range up to {} is not kept but needs lacks range",
                ann["value_max"]
            ));
        }
        if ann["approx"].is_string() && !qualifier_kept && !loses("approx") {
            dishonest.push(format!(
                "{k:?}: qualifier {} is not kept but needs lacks approx",
                ann["approx"]
            ));
        }
        let unit_kept = units
            .as_ref()
            .is_some_and(|u| u.is_empty() || u.iter().any(|u| same_unit(u, &fact_unit)))
            || (fact_unit == "周" && units.as_ref().is_some_and(|u| u.iter().any(|u| u == "天")))
            || fact_unit.is_empty();
        if hit.is_some() && !unit_kept && !loses("unit") {
            dishonest.push(format!(
                "{k:?}: unit {fact_unit} is not kept ({units:?}) but needs lacks unit"
            ));
        }

        // … and a date the seed gives only to the month or the year is held at that precision (`precision`:
        // field → day/month/year), or the line still says it needs date_precision
        if let (Some(want), Some(r)) = (l["precision"].as_object(), rec) {
            for (field, p) in want {
                let held = rec_date(r, field).map(|d| d.precision.as_str());
                if held != p.as_str() {
                    dishonest.push(format!(
                        "{k:?}: {field} is held at precision {held:?}, the seed gives {p}"
                    ));
                }
            }
        }

        // held exactly: the value, the unit and the qualifier (and a range's high end) as the essay writes them
        let obligation_kept = l["entity"] == "obligations" && qualifier_kept;
        match hit {
            Some(_) if line_needs.is_empty() && ((qualifier_matches && upper_matches) || obligation_kept) => {
                t.exact += 1
            }
            Some(_) => t.loose += 1,
            // a figure its own essay contradicts (its parts do not add up to its whole): the record cannot hold
            // every one of them, and holds the others; the arithmetic is checked on the annotations
            None if l["contradicts"].is_object() => match contradiction(&l["contradicts"], &ann_by_key, k.0) {
                Ok(why) => {
                    t.contradicted += 1;
                    contradicted.push(format!(
                        "  第{}篇 @{} {}（{}）: {why}",
                        k.0,
                        k.1,
                        ann["quote"].as_str().unwrap_or(""),
                        ann["measure"].as_str().unwrap_or("")
                    ));
                }
                Err(e) => dishonest.push(format!("{k:?}: {e}")),
            },
            None => {
                t.missing += 1;
                missing.push(format!(
                    "  第{}篇 @{} {}（{}）{} needs {:?}{}",
                    k.0,
                    k.1,
                    ann["quote"].as_str().unwrap_or(""),
                    ann["measure"].as_str().unwrap_or(""),
                    l["entity"].as_str().unwrap_or(""),
                    line_needs,
                    if got.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", the record says {:?}",
                            got.iter().map(|v| v / SCALE).collect::<Vec<_>>()
                        )
                    }
                ));
            }
        }

        // restated: in the summary of one of the line's pairings, or of its program
        let mut scopes = Vec::new();
        if let Some(ps) = look.pairings(l).await {
            scopes.extend(ps.iter().filter_map(|p| p["id"].as_i64()).map(|id| ("pairing", id)));
        }
        if let Some(name) = l["program"].as_str() {
            if let Some(id) = look.program(name).await {
                scopes.push(("program", id));
            }
        }
        if scopes.is_empty() {
            // a line that names no program (an org's attribute, an indicator of a region): the summaries of the
            // essay's pairings and programs
            for other in ledger.iter().filter(|o| key(o).0 == k.0 && o["program"].is_string()) {
                if let Some(ps) = look.pairings(other).await {
                    scopes.extend(ps.iter().filter_map(|p| p["id"].as_i64()).map(|id| ("pairing", id)));
                }
                if let Some(id) = look.program(other["program"].as_str().unwrap_or("")).await {
                    scopes.push(("program", id));
                }
            }
        }
        // a fact the essay states as of its own year ("至今已走过了10个年头", `until`) or of an earlier year than the
        // whole term tells (a plan later restated, `restated_in`) is looked for in the summary of that year too
        let mut of_year = Vec::new();
        let year = l["until"]
            .as_str()
            .or(l["restated_in"].as_str())
            .and_then(|u| u.get(..4));
        if let Some(year) = year {
            for (kind, id) in scopes.iter().filter(|(k, _)| *k == "pairing") {
                let written = summary(&store, Scope::Pairing(*id), year).await;
                match written {
                    Ok(md) => {
                        std::fs::write(out.join(format!("{kind}-{id}-{year}.md")), &md).unwrap();
                        of_year.push(numbers_in(&md));
                    }
                    Err(e) => unwritten.push(format!("{kind} {id} {year}: {e}")),
                }
            }
        }
        if scopes.iter().any(|s| texts.get(s).is_some_and(|n| restates(n, ann)))
            || of_year.iter().any(|n| restates(n, ann))
        {
            t.restated += 1;
        } else {
            unrestated.push(format!(
                "  第{}篇 @{} {}（{}）{}.{} {}{}",
                k.0,
                k.1,
                ann["quote"].as_str().unwrap_or(""),
                ann["measure"].as_str().unwrap_or(""),
                l["entity"].as_str().unwrap_or(""),
                l["field"].as_str().unwrap_or(""),
                if hit.is_some() { "held" } else { "not held" },
                l["note"].as_str().map_or_else(String::new, |n| format!("; {n}"))
            ));
        }
    }
    assert!(
        dishonest.is_empty(),
        "ledger lines that misstate the record:\n{}",
        dishonest.join("\n")
    );

    let mut all = Tally::default();
    println!("seed-fact coverage of the demo record (essay: about the record / held exactly / held loosely / missing / restated in a summary; not about the record)");
    for (essay, t) in &per_essay {
        println!(
            "  第{essay}篇: {} / {} / {} / {} / {}; {}",
            t.about, t.exact, t.loose, t.missing, t.restated, t.not_record
        );
        all.about += t.about;
        all.exact += t.exact;
        all.loose += t.loose;
        all.missing += t.missing;
        all.restated += t.restated;
        all.not_record += t.not_record;
        all.contradicted += t.contradicted;
    }
    let pct = |n: usize| {
        if all.about == 0 {
            0.0
        } else {
            100.0 * n as f64 / all.about as f64
        }
    };
    println!(
        "  all: {} facts, {} about the record: held exactly {} ({:.0}%), loosely {} ({:.0}%), missing {} ({:.0}%); \
         restated in the summaries {} ({:.0}%); not about the record {}",
        ledger.len(),
        all.about,
        all.exact,
        pct(all.exact),
        all.loose,
        pct(all.loose),
        all.missing,
        pct(all.missing),
        all.restated,
        pct(all.restated),
        all.not_record
    );
    println!(
        "contradicted by their own essay (the record holds the figures they contradict): {}",
        all.contradicted
    );
    for c in &contradicted {
        println!("{c}");
    }
    println!("what the record lacks (facts needing each):");
    for (n, c) in &needs {
        println!("  {n}: {c}");
    }
    println!("missing from the record:");
    for m in &missing {
        println!("{m}");
    }
    println!("not restated in any summary of the fact's pairings or program:");
    for m in &unrestated {
        println!("{m}");
    }
    println!("summaries written to {}", out.display());
    for u in &unwritten {
        println!("  not written: {u}");
    }

    assert_eq!(all.about + all.not_record, annotations.len());
    // issue 16's end: every fact about the record is held exactly, or is one its own essay contradicts
    assert_eq!(
        all.exact + all.contradicted,
        all.about,
        "facts held loosely or missing:\n{}",
        missing.join("\n")
    );
    assert!(
        all.exact >= HELD_EXACTLY_AT_LEAST,
        "the demo holds {} facts exactly, fewer than {HELD_EXACTLY_AT_LEAST}",
        all.exact
    );
    assert!(
        all.exact + all.loose >= HELD_AT_LEAST,
        "the demo holds {} facts, fewer than {HELD_AT_LEAST}",
        all.exact + all.loose
    );
    assert!(
        all.restated >= RESTATED_AT_LEAST,
        "the summaries restate {} facts, fewer than {RESTATED_AT_LEAST}",
        all.restated
    );
}

#[test]
fn numbers_are_read_the_way_a_summary_writes_them() {
    let n = numbers_in("直接授课1500余课时，投入42.33亿元和3700万元，培训1.2万余人次，占37%。");
    assert!(
        n.iter().any(|(v, u)| *v == 1500 * SCALE && u.starts_with("课时")),
        "{n:?}"
    );
    assert!(
        n.iter()
            .any(|(v, u)| *v == 4_233_000_000 * SCALE && u.starts_with('元')),
        "{n:?}"
    );
    assert!(
        n.iter().any(|(v, u)| *v == 37_000_000 * SCALE && u.starts_with('元')),
        "{n:?}"
    );
    assert!(
        n.iter().any(|(v, u)| *v == 12_000 * SCALE && u.starts_with("人次")),
        "{n:?}"
    );
    let fact = serde_json::json!({"value": 1500, "unit": "课时", "kind": "count", "approx": "余"});
    assert!(restates(&n, &fact));
    let other = serde_json::json!({"value": 1500, "unit": "人次", "kind": "count"});
    assert!(!restates(&n, &other), "same number, another unit");
    let people = serde_json::json!({"value": 122, "unit": "人", "kind": "count"});
    assert!(
        restates(&numbers_in("定向招收学生122名"), &people),
        "名 and 人 count people alike"
    );
    assert!(!restates(
        &numbers_in("定向招收学生122人次"),
        &serde_json::json!({"value": 122, "unit": "名", "kind": "count"})
    ));
    let money = serde_json::json!({"value": 200000, "unit": "万", "kind": "money"});
    assert!(restates(&numbers_in("课题经费20万元"), &money));
    assert!(!restates(&numbers_in("课题经费20万人"), &money));
    let range = numbers_in("计划100—200名（每名培养期6—12个月）");
    assert!(restates(
        &range,
        &serde_json::json!({"value": 100, "value_max": 200, "unit": "名", "kind": "count"})
    ));
    assert!(restates(
        &range,
        &serde_json::json!({"value": 6, "unit": "个月", "kind": "duration"})
    ));
    let batch = serde_json::json!({"value": 1, "unit": "批", "kind": "count"});
    assert!(restates(&numbers_in("并捐赠办公电脑一批，改善了"), &batch));
    assert!(
        !restates(&numbers_in("第一批援疆干部"), &batch),
        "an ordinal is not a count"
    );
    assert!(restates(
        &numbers_in("负责申报成功两项课题"),
        &serde_json::json!({"value": 2, "unit": "项", "kind": "count"})
    ));
    assert!(!restates(
        &numbers_in("十一五期间"),
        &serde_json::json!({"value": 1, "unit": "五", "kind": "count"})
    ));
    assert_eq!(fixed("12780000.00"), Some(12_780_000 * SCALE));
    assert_eq!(fixed("50.56"), Some(505_600));
    assert_eq!(fixed("1.5亿"), None);
}
