//! Unit tasks (任务清单) read with their progress: a task's measure is read from the responsible unit's own records
//! (the pairings it, or an org below it, supports) and rated by [`duikou_domain::task::progress`], the one
//! computation every page and summary uses.

use crate::db::{Arg, Kind};
use crate::{Result, Store};
use chrono::NaiveDate;
use duikou_domain::task::{progress, Fact, Measure, Progress, Source, UnitTask};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One task as a list shows it: the stored record, names instead of ids, its progress and its notes.
#[derive(Debug, Clone)]
pub struct TaskLine {
    /// The task, typed.
    pub task: UnitTask,
    /// The record as stored (JSON as the API answers it).
    pub record: Value,
    /// The assigning authority's name.
    pub authority: String,
    /// The responsible unit's name.
    pub org: String,
    /// The program or pairing it serves, by name (empty when none).
    pub serves: String,
    /// Its progress.
    pub progress: Progress,
    /// The responsible unit's progress notes, oldest first.
    pub notes: Vec<Value>,
}

/// The tasks of one org and year: those it assigned and those it was assigned.
#[derive(Debug, Clone, Default)]
pub struct TaskList {
    /// Tasks the org assigned (as the authority).
    pub assigned: Vec<TaskLine>,
    /// Tasks the org is responsible for.
    pub own: Vec<TaskLine>,
}

impl Store {
    /// The tasks of `year` that `org` assigned or is responsible for, each with its progress as of `as_of`.
    pub async fn unit_task_list(&self, org: i64, year: i64, as_of: NaiveDate) -> Result<TaskList> {
        let rows = self
            .all_where_in_and(
                "unit_tasks",
                "authority_org_id",
                &[org],
                "year = $1",
                &[Arg::Int(Some(year))],
            )
            .await?;
        let mut own = self
            .all_where_in_and("unit_tasks", "org_id", &[org], "year = $1", &[Arg::Int(Some(year))])
            .await?;
        own.retain(|r| r["authority_org_id"].as_i64() != Some(org));
        let mut names = HashMap::new();
        let mut facts = HashMap::new();
        let mut out = TaskList::default();
        for (rows, assigned) in [(rows, true), (own, false)] {
            for record in rows {
                let line = self.task_line(record, as_of, &mut names, &mut facts).await?;
                if assigned {
                    out.assigned.push(line);
                } else {
                    out.own.push(line);
                }
            }
        }
        Ok(out)
    }

    /// The tasks serving any of `programs` or `pairings`, each with its progress as of `as_of` (for summaries).
    pub(crate) async fn tasks_serving(
        &self,
        programs: &[i64],
        pairings: &[i64],
        as_of: NaiveDate,
    ) -> Result<Vec<TaskLine>> {
        let mut rows = self.all_where_in("unit_tasks", "program_id", programs).await?;
        rows.extend(self.all_where_in("unit_tasks", "served_pairing_id", pairings).await?);
        let mut names = HashMap::new();
        let mut facts = HashMap::new();
        let mut out = Vec::new();
        for record in rows {
            out.push(self.task_line(record, as_of, &mut names, &mut facts).await?);
        }
        out.sort_by_key(|t| (t.task.year, t.task.authority_org_id, t.task.id));
        Ok(out)
    }

    /// The progress of one stored task as of `as_of`.
    pub async fn unit_task_progress(&self, id: i64, as_of: NaiveDate) -> Result<Progress> {
        let record = self.get("unit_tasks", id).await?;
        let task = typed(&record)?;
        let facts = match task.measure {
            Some(m) => self.unit_facts(task.org_id, m).await?,
            None => Vec::new(),
        };
        Ok(progress(&task, &facts, as_of))
    }

    /// The years that have tasks assigned by or to `org`, latest first.
    pub async fn unit_task_years(&self, org: i64) -> Result<Vec<i64>> {
        let rows = self
            .db()
            .fetch(
                "SELECT DISTINCT year FROM unit_tasks WHERE authority_org_id = $1 OR org_id = $1 ORDER BY year DESC",
                &[Arg::Int(Some(org))],
                &[Kind::Int],
            )
            .await?;
        Ok(rows.iter().filter_map(|r| r[0].int()).collect())
    }

    /// The orgs that assigned or hold any task, by name: (id, name).
    pub async fn unit_task_orgs(&self) -> Result<Vec<(i64, String)>> {
        let rows = self
            .db()
            .fetch(
                "SELECT o.id, o.name FROM orgs o WHERE o.id IN (SELECT authority_org_id FROM unit_tasks) \
                 OR o.id IN (SELECT org_id FROM unit_tasks) ORDER BY o.id",
                &[],
                &[Kind::Int, Kind::Text],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r[0].int()?, r[1].text()?.to_string())))
            .collect())
    }

    async fn task_line(
        &self,
        record: Value,
        as_of: NaiveDate,
        names: &mut HashMap<i64, String>,
        facts: &mut HashMap<(i64, &'static str), Vec<Fact>>,
    ) -> Result<TaskLine> {
        let task = typed(&record)?;
        let progress = match task.measure {
            Some(m) => {
                let key = (task.org_id, m.as_str());
                if let std::collections::hash_map::Entry::Vacant(e) = facts.entry(key) {
                    e.insert(self.unit_facts(task.org_id, m).await?);
                }
                progress(&task, &facts[&key], as_of)
            }
            None => progress(&task, &[], as_of),
        };
        let authority = self.org_name(task.authority_org_id, names).await?;
        let org = self.org_name(task.org_id, names).await?;
        let serves = if let Some(p) = task.program_id {
            self.get("programs", p).await?["name"]
                .as_str()
                .unwrap_or("")
                .to_string()
        } else if let Some(p) = task.pairing_id {
            let pairing = self.get("pairings", p).await?;
            let s = self
                .org_name(pairing["supporter_org_id"].as_i64().unwrap_or(0), names)
                .await?;
            let r = self
                .org_name(pairing["receiver_org_id"].as_i64().unwrap_or(0), names)
                .await?;
            format!("{s} → {r}")
        } else {
            String::new()
        };
        let notes = self.list_all("unit_task_notes", "task_id", task.id).await?;
        Ok(TaskLine {
            task,
            record,
            authority,
            org,
            serves,
            progress,
            notes,
        })
    }

    async fn org_name(&self, id: i64, names: &mut HashMap<i64, String>) -> Result<String> {
        if let Some(n) = names.get(&id) {
            return Ok(n.clone());
        }
        let name = self.get("orgs", id).await?["name"].as_str().unwrap_or("").to_string();
        names.insert(id, name.clone());
        Ok(name)
    }

    /// The records of `org`'s own pairings (those it, or an org below it, supports) that `measure` reads.
    async fn unit_facts(&self, org: i64, measure: Measure) -> Result<Vec<Fact>> {
        let rows = self
            .db()
            .fetch(
                "WITH RECURSIVE below(id) AS (SELECT CAST($1 AS BIGINT) \
                 UNION SELECT o.id FROM orgs o JOIN below b ON o.parent_id = b.id) \
                 SELECT p.id FROM pairings p JOIN below b ON p.supporter_org_id = b.id",
                &[Arg::Int(Some(org))],
                &[Kind::Int],
            )
            .await?;
        let pairings: Vec<i64> = rows
            .iter()
            .filter_map(|r| r[0].int())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if pairings.is_empty() {
            return Ok(Vec::new());
        }
        let rows = match measure.source() {
            Source::Activities => self.all_where_in("activities", "pairing_id", &pairings).await?,
            Source::Transactions => self.all_where_in("transactions", "pairing_id", &pairings).await?,
            Source::Projects => self.all_where_in("projects", "pairing_id", &pairings).await?,
            Source::Items => {
                let activities: BTreeMap<i64, Value> = self
                    .all_where_in("activities", "pairing_id", &pairings)
                    .await?
                    .into_iter()
                    .filter_map(|a| Some((a["id"].as_i64()?, a)))
                    .collect();
                let mut items = self.all_where_in("activity_items", "pairing_id", &pairings).await?;
                for item in &mut items {
                    // goods are dated and confirmed with the activity that brought them
                    if let Some(a) = item["activity_id"].as_i64().and_then(|id| activities.get(&id)) {
                        item["start_date"] = a["start_date"].clone();
                        item["end_date"] = a["end_date"].clone();
                        item["activity_confirmation"] = a["confirmation"].clone();
                    }
                }
                items
            }
        };
        Ok(rows.iter().filter_map(|r| Fact::read(measure, r)).collect())
    }
}

fn typed(record: &Value) -> Result<UnitTask> {
    UnitTask::from_json(record).map_err(|m| crate::StoreError::Other(format!("年度任务记录不完整：{m}")))
}
