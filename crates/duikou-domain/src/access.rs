//! Roles and what each may do, decided without I/O from the actor's org scope and the record's sides.

use crate::schema::Owner;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users and unlocking.
    Admin,
    /// A coordinating authority (指挥部/教育局): programs, pairings, obligations, and any fact of its programs.
    Coordinator,
    /// An editor of a supporting org: its own side of its own pairings.
    SupporterEditor,
    /// An editor of a receiving org: needs, appraisals, indicators, and confirming what was recorded about it.
    ReceiverEditor,
    /// Reads only.
    Viewer,
}

impl Role {
    /// Every role, in order of power.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Coordinator,
        Role::SupporterEditor,
        Role::ReceiverEditor,
        Role::Viewer,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::SupporterEditor => "supporter_editor",
            Role::ReceiverEditor => "receiver_editor",
            Role::Viewer => "viewer",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Coordinator => "协调管理（指挥部/教育局）",
            Role::SupporterEditor => "支援方填报员",
            Role::ReceiverEditor => "受援方填报员",
            Role::Viewer => "只读用户",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who is acting, with the orgs their role is scoped to (each org counts with everything below it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user's id (0 for the system itself, e.g. loading demo data).
    pub user_id: i64,
    /// The user's name.
    pub username: String,
    /// The role.
    pub role: Role,
    /// The orgs in scope, already expanded to their descendants.
    pub scope: BTreeSet<i64>,
}

impl Actor {
    /// The system itself: an admin with id 0, used by migrations and the demo loader.
    pub fn system() -> Actor {
        Actor {
            user_id: 0,
            username: "system".into(),
            role: Role::Admin,
            scope: BTreeSet::new(),
        }
    }

    fn in_scope(&self, org: Option<i64>) -> bool {
        org.is_some_and(|o| self.scope.contains(&o))
    }

    /// A coordinator with no org scope coordinates every program; otherwise only those of authorities in scope.
    fn coordinates(&self, authority: Option<i64>) -> bool {
        self.role == Role::Coordinator && (self.scope.is_empty() || self.in_scope(authority))
    }
}

/// The sides of the pairing a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides {
    /// The supporting org.
    pub supporter: i64,
    /// The receiving org.
    pub receiver: i64,
    /// The program's authority org.
    pub authority: i64,
}

/// What a write touches, as far as permission goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The pairing the record belongs to, when it belongs to one.
    pub sides: Option<Sides>,
    /// The authority of the program concerned (programs themselves, obligations on a program, a program's documents).
    pub authority: Option<i64>,
    /// Orgs the record names (people's home org, an indicator value's org).
    pub orgs: Vec<i64>,
    /// For a link between records (a document and what it documents): each end, all of which the actor must be
    /// allowed to write, so nobody attaches what is not theirs or attaches to what is not theirs.
    pub ends: Vec<End>,
}

/// One end of a link: a record's owner, its entity's Chinese name, and what writing it touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct End {
    /// Who writes records of the end's entity.
    pub owner: Owner,
    /// The end's entity, in Chinese ("文档", "活动").
    pub label: &'static str,
    /// What writing the end's record touches.
    pub target: Target,
}

/// The end of a refusal of what belongs to no org's scope.
const NO_SCOPE_ONLY: &str = "只能由系统管理员或不限单位范围的协调管理人员维护";

/// Why an action was refused, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied(pub String);

fn deny(msg: impl Into<String>) -> Result<(), Denied> {
    Err(Denied(msg.into()))
}

/// May `actor` create, change or delete a record of an entity owned by `owner`, touching `target`? For a change,
/// ask twice: with the record as it is and as it would be, so nobody moves a record into or out of their scope.
pub fn may_write(actor: &Actor, owner: Owner, entity_label: &str, target: &Target) -> Result<(), Denied> {
    let authority = target.sides.map(|s| s.authority).or(target.authority);
    if owner == Owner::System && actor.role != Role::Admin {
        return deny(format!("{entity_label}由系统生成，只有管理员可以删除（解锁）"));
    }
    match actor.role {
        Role::Admin => return Ok(()),
        Role::Viewer => return deny("只读用户不能修改记录"),
        _ => {}
    }
    if owner == Owner::Link {
        if target.ends.is_empty() {
            return deny(format!("{entity_label}必须指明所关联的两端"));
        }
        // both ends must be the actor's to write: a link changes what each end shows
        for end in &target.ends {
            may_write(actor, end.owner, end.label, &end.target)
                .map_err(|d| Denied(format!("不能建立或删除{entity_label}：{}", d.0)))?;
        }
        return Ok(());
    }
    match actor.role {
        // what belongs to no org's scope (regions, indicators, top-level orgs, people of no home org, documents of no
        // program) is kept by admins and the coordinators with no org scope, who coordinate everything
        Role::Coordinator if actor.scope.is_empty() => Ok(()),
        Role::Coordinator => match owner {
            Owner::Reference => deny(format!("{entity_label}{NO_SCOPE_ONLY}")),
            Owner::Org => match target.orgs.as_slice() {
                [] => deny(format!(
                    "新建的单位须放在您的单位之下（上级单位 parent_id）：顶层单位{NO_SCOPE_ONLY}"
                )),
                orgs if orgs.iter().all(|o| actor.in_scope(Some(*o))) => Ok(()),
                _ => deny("该单位（或新单位的上级单位 parent_id）不在您的权限范围内：您只能维护本单位及其下级单位"),
            },
            Owner::Person => match target.orgs.first() {
                None => deny(format!("没有派出单位（home_org_id）的{entity_label}{NO_SCOPE_ONLY}")),
                Some(o) if actor.in_scope(Some(*o)) => Ok(()),
                Some(_) => deny(format!("该{entity_label}的派出单位（home_org_id）不在您的权限范围内")),
            },
            // a shared record of no pairing (an indicator value) is of the org it names; its region, if it names
            // one, is checked by the store, which knows the region tree
            Owner::Shared if target.sides.is_none() => {
                if target.orgs.iter().all(|o| actor.in_scope(Some(*o))) {
                    Ok(())
                } else {
                    deny(format!("该{entity_label}涉及的单位不在您的权限范围内"))
                }
            }
            Owner::Document if authority.is_none() => deny(format!(
                "该{entity_label}不属于任何计划，只能由系统管理员或不限单位范围的协调管理人员维护"
            )),
            _ if actor.coordinates(authority) => Ok(()),
            _ => deny(format!("该{entity_label}不属于您所协调的计划")),
        },
        Role::SupporterEditor | Role::ReceiverEditor => {
            let supporter = actor.role == Role::SupporterEditor;
            match owner {
                Owner::Reference | Owner::Org => deny(format!("{}只能由管理员或协调管理人员维护", entity_label)),
                Owner::Program => deny(format!("{}由主管部门（协调管理人员）维护", entity_label)),
                Owner::System => deny(format!("{entity_label}由系统生成")),
                Owner::Link => deny(format!("{entity_label}必须指明所关联的两端")),
                Owner::Supporter | Owner::Receiver => {
                    let wants_supporter = owner == Owner::Supporter;
                    if supporter != wants_supporter {
                        let side = if wants_supporter { "支援方" } else { "受援方" };
                        return deny(format!("{entity_label}由{side}填报"));
                    }
                    let Some(s) = target.sides else {
                        return deny(format!("{entity_label}必须属于一个结对"));
                    };
                    let org = if supporter { s.supporter } else { s.receiver };
                    if actor.in_scope(Some(org)) {
                        Ok(())
                    } else {
                        deny(format!("您只能填报本单位所在结对的{entity_label}"))
                    }
                }
                Owner::Document => match target.sides {
                    None => deny(format!(
                        "没有所属结对的{entity_label}（如计划文件）只能由主管部门（协调管理人员）或系统管理员维护"
                    )),
                    Some(s) if actor.in_scope(Some(s.supporter)) || actor.in_scope(Some(s.receiver)) => Ok(()),
                    Some(_) => deny(format!("您只能维护本单位所在结对的{entity_label}")),
                },
                Owner::Person => match target.orgs.first() {
                    None => deny(format!("没有派出单位（home_org_id）的{entity_label}{NO_SCOPE_ONLY}")),
                    Some(o) if actor.in_scope(Some(*o)) => Ok(()),
                    Some(_) => deny(format!("该{entity_label}的派出单位（home_org_id）不在您的权限范围内")),
                },
                Owner::Shared => {
                    if let Some(s) = target.sides {
                        if !actor.in_scope(Some(s.supporter)) && !actor.in_scope(Some(s.receiver)) {
                            return deny(format!("您只能维护本单位所在结对的{entity_label}"));
                        }
                    }
                    if target.orgs.iter().all(|o| actor.in_scope(Some(*o))) {
                        Ok(())
                    } else {
                        deny(format!("该{entity_label}涉及的单位不在您的权限范围内"))
                    }
                }
            }
        }
        Role::Admin | Role::Viewer => Ok(()),
    }
}

/// May `actor` put org `org` (none when creating it) under `parent` (none for the top of a tree)? Asked when an org
/// is created under a parent or its parent changes. Each org counts with everything below it in a user's scope, so
/// a coordinator limited to some orgs may only move its own orgs, and only under its own: else it could take
/// another authority's org (and its programs' pairings) into its scope by re-parenting it.
pub fn may_place_org(actor: &Actor, org: Option<i64>, parent: Option<i64>) -> Result<(), Denied> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::Coordinator if actor.scope.is_empty() => Ok(()),
        Role::Coordinator => {
            if org.is_some_and(|o| !actor.in_scope(Some(o))) {
                return deny("该单位不在您的权限范围内，不能调整其上级单位（parent_id）");
            }
            if parent.is_some_and(|p| !actor.in_scope(Some(p))) {
                return deny("上级单位（parent_id）不在您的权限范围内：只能放在本单位或其下级单位之下");
            }
            Ok(())
        }
        _ => deny("单位只能由管理员或协调管理人员维护"),
    }
}

/// May `actor` confirm or dispute a fact recorded about the pairing with `sides`?
pub fn may_confirm(actor: &Actor, sides: Sides) -> Result<(), Denied> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::ReceiverEditor if actor.in_scope(Some(sides.receiver)) => Ok(()),
        Role::ReceiverEditor => deny("您只能确认本单位作为受援方的结对中的记录"),
        _ => deny("只有受援方填报员可以确认或提出异议"),
    }
}

/// May `actor` use the confirmation inbox at all? The roles [`may_confirm`] lets through for some pairing.
pub fn may_use_inbox(actor: &Actor) -> Result<(), Denied> {
    match actor.role {
        Role::Admin | Role::ReceiverEditor => Ok(()),
        _ => deny("待确认事项只向受援方填报员和系统管理员开放"),
    }
}

/// May `actor` see "my pairings", those of its own orgs with what they still owe? The editors, who each work for one
/// side of their pairings, and admins; overseers follow pairings through the programs instead.
pub fn may_list_own_pairings(actor: &Actor) -> Result<(), Denied> {
    match actor.role {
        Role::Admin | Role::SupporterEditor | Role::ReceiverEditor => Ok(()),
        _ => deny("“我的结对”只向支援方和受援方填报员开放；各计划的结对请见总览和计划页面"),
    }
}

/// May `actor` read a program's overview (its money, projects, people, obligation status and every pairing)? The
/// overseers may: coordinators, admins and viewers; an editor sees its own pairings instead.
pub fn may_oversee(actor: &Actor) -> Result<(), Denied> {
    match actor.role {
        Role::Admin | Role::Coordinator | Role::Viewer => Ok(()),
        _ => deny("计划总览只向协调管理人员、系统管理员和只读用户开放；本单位的结对请见“我的结对”"),
    }
}

/// The orgs whose receiving side `actor` works for (each with the orgs below it): a receiver editor's own.
pub fn receiving_orgs(actor: &Actor) -> Result<&BTreeSet<i64>, Denied> {
    match actor.role {
        Role::ReceiverEditor => Ok(&actor.scope),
        _ => Err(Denied("此页面只向受援方填报员开放".into())),
    }
}

/// Which pairings a picker (search-as-you-type on a form) offers `actor`, and through them which orgs, people,
/// projects and needs: what the actor works on, never names beyond it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickScope<'a> {
    /// Every record: admins, coordinators of every program, viewers of everything (who read every list already).
    All,
    /// The pairings these orgs support (a supporting editor's).
    Supporting(&'a BTreeSet<i64>),
    /// The pairings these orgs receive (a receiving editor's).
    Receiving(&'a BTreeSet<i64>),
    /// The pairings of the programs these orgs lead (a coordinator's of some authorities).
    Leading(&'a BTreeSet<i64>),
    /// The pairings these orgs are on either side of (a viewer of some orgs).
    EitherSide(&'a BTreeSet<i64>),
}

/// The pickers' scope of `actor` (see [`PickScope`]); the orgs in scope always count among the orgs offered.
pub fn pick_scope(actor: &Actor) -> PickScope<'_> {
    let s = &actor.scope;
    match actor.role {
        Role::Admin => PickScope::All,
        Role::Coordinator | Role::Viewer if s.is_empty() => PickScope::All,
        Role::Coordinator => PickScope::Leading(s),
        Role::Viewer => PickScope::EitherSide(s),
        Role::SupporterEditor => PickScope::Supporting(s),
        Role::ReceiverEditor => PickScope::Receiving(s),
    }
}

/// May `actor` read the audit log?
pub fn may_read_audit(actor: &Actor) -> Result<(), Denied> {
    match actor.role {
        Role::Admin | Role::Coordinator => Ok(()),
        _ => deny("只有管理员和协调管理人员可以查看审计日志"),
    }
}

/// May `actor` manage user accounts?
pub fn may_manage_users(actor: &Actor) -> Result<(), Denied> {
    match actor.role {
        Role::Admin => Ok(()),
        _ => deny("只有系统管理员可以管理用户"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, orgs: &[i64]) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            role,
            scope: orgs.iter().copied().collect(),
        }
    }
    const SIDES: Sides = Sides {
        supporter: 10,
        receiver: 20,
        authority: 30,
    };

    fn t() -> Target {
        Target {
            sides: Some(SIDES),
            ..Target::default()
        }
    }

    #[test]
    fn overseers_read_programs_and_receivers_their_own_pages() {
        for (role, oversee, receive, inbox, own) in [
            (Role::Admin, true, false, true, true),
            (Role::Coordinator, true, false, false, false),
            (Role::Viewer, true, false, false, false),
            (Role::SupporterEditor, false, false, false, true),
            (Role::ReceiverEditor, false, true, true, true),
        ] {
            let a = actor(role, &[20]);
            assert_eq!(may_oversee(&a).is_ok(), oversee, "{role:?}");
            assert_eq!(receiving_orgs(&a).is_ok(), receive, "{role:?}");
            assert_eq!(may_use_inbox(&a).is_ok(), inbox, "{role:?}");
            assert_eq!(may_list_own_pairings(&a).is_ok(), own, "{role:?}");
            // the inbox is for exactly the roles that may confirm something
            assert_eq!(may_confirm(&a, SIDES).is_ok(), inbox, "{role:?}");
        }
        assert_eq!(
            receiving_orgs(&actor(Role::ReceiverEditor, &[20, 21])).unwrap().len(),
            2
        );
    }

    #[test]
    fn the_role_matrix() {
        use Owner::*;
        let cases: &[(Role, &[i64], Owner, bool)] = &[
            (Role::Admin, &[], Supporter, true),
            (Role::Viewer, &[10, 20, 30], Supporter, false),
            (Role::Coordinator, &[30], Program, true),
            (Role::Coordinator, &[31], Program, false),
            (Role::Coordinator, &[], Program, true),
            (Role::Coordinator, &[31], Supporter, false),
            (Role::Coordinator, &[30], Receiver, true),
            (Role::SupporterEditor, &[10], Supporter, true),
            (Role::SupporterEditor, &[11], Supporter, false),
            (Role::SupporterEditor, &[10], Receiver, false),
            (Role::SupporterEditor, &[10], Program, false),
            (Role::SupporterEditor, &[10], Reference, false),
            (Role::ReceiverEditor, &[20], Receiver, true),
            (Role::ReceiverEditor, &[20], Supporter, false),
            (Role::ReceiverEditor, &[21], Receiver, false),
            (Role::ReceiverEditor, &[20], Shared, true),
            (Role::SupporterEditor, &[99], Shared, false),
            (Role::Admin, &[], System, true),
            (Role::Coordinator, &[], System, false),
        ];
        for (role, orgs, owner, ok) in cases {
            let got = may_write(&actor(*role, orgs), *owner, "记录", &t());
            assert_eq!(got.is_ok(), *ok, "{role:?} {orgs:?} {owner:?}: {got:?}");
        }
    }

    #[test]
    fn documents_people_and_links_have_owners() {
        let program_doc = Target {
            authority: Some(30),
            ..Target::default()
        };
        let loose_doc = Target::default();
        let person = |org: Option<i64>| Target {
            orgs: org.into_iter().collect(),
            ..Target::default()
        };
        let cases: &[(Role, &[i64], Owner, Target, bool)] = &[
            (Role::SupporterEditor, &[10], Owner::Document, t(), true),
            (Role::ReceiverEditor, &[20], Owner::Document, t(), true),
            (Role::SupporterEditor, &[11], Owner::Document, t(), false),
            (
                Role::SupporterEditor,
                &[10, 30],
                Owner::Document,
                program_doc.clone(),
                false,
            ),
            (Role::Coordinator, &[30], Owner::Document, program_doc.clone(), true),
            (Role::Coordinator, &[31], Owner::Document, program_doc.clone(), false),
            (Role::Coordinator, &[31], Owner::Document, t(), false),
            (Role::Coordinator, &[30], Owner::Document, loose_doc.clone(), false),
            (Role::Coordinator, &[], Owner::Document, loose_doc.clone(), true),
            (Role::ReceiverEditor, &[20], Owner::Document, loose_doc, false),
            (Role::SupporterEditor, &[10], Owner::Person, person(Some(10)), true),
            (Role::SupporterEditor, &[10], Owner::Person, person(Some(11)), false),
            (Role::SupporterEditor, &[10], Owner::Person, person(None), false),
            (Role::Coordinator, &[31], Owner::Person, person(None), false),
            (Role::Coordinator, &[], Owner::Person, person(None), true),
            (Role::Coordinator, &[10], Owner::Person, person(Some(10)), true),
            (Role::Coordinator, &[31], Owner::Person, person(Some(10)), false),
            (Role::Viewer, &[10], Owner::Person, person(Some(10)), false),
            (Role::Coordinator, &[30], Owner::Shared, t(), true),
            (Role::Coordinator, &[31], Owner::Shared, t(), false),
            (Role::Coordinator, &[31], Owner::Shared, person(Some(5)), false),
            (Role::Coordinator, &[5], Owner::Shared, person(Some(5)), true),
            (Role::Coordinator, &[], Owner::Shared, person(Some(5)), true),
        ];
        for (role, orgs, owner, target, ok) in cases {
            let got = may_write(&actor(*role, orgs), *owner, "记录", target);
            assert_eq!(got.is_ok(), *ok, "{role:?} {orgs:?} {owner:?} {target:?}: {got:?}");
        }
    }

    #[test]
    fn a_scoped_coordinator_keeps_only_the_reference_data_of_its_scope() {
        let org = |o: Option<i64>| Target {
            orgs: o.into_iter().collect(),
            ..Target::default()
        };
        let scoped = actor(Role::Coordinator, &[30, 31]);
        let unscoped = actor(Role::Coordinator, &[]);
        // regions and indicators belong to nobody's scope
        assert!(may_write(&scoped, Owner::Reference, "行政区划", &Target::default()).is_err());
        assert!(may_write(&unscoped, Owner::Reference, "行政区划", &Target::default()).is_ok());
        assert!(may_write(&actor(Role::Admin, &[]), Owner::Reference, "指标", &Target::default()).is_ok());
        // an org: its own, or a new one under its own
        assert!(may_write(&scoped, Owner::Org, "单位", &org(Some(31))).is_ok());
        let other = may_write(&scoped, Owner::Org, "单位", &org(Some(99)));
        assert!(
            other.as_ref().is_err_and(|d| d.0.contains("不在您的权限范围内")),
            "{other:?}"
        );
        let top = may_write(&scoped, Owner::Org, "单位", &org(None));
        assert!(top.as_ref().is_err_and(|d| d.0.contains("parent_id")), "{top:?}");
        assert!(may_write(&unscoped, Owner::Org, "单位", &org(Some(99))).is_ok());
        assert!(may_write(&unscoped, Owner::Org, "单位", &org(None)).is_ok());
        assert!(may_write(&actor(Role::SupporterEditor, &[31]), Owner::Org, "单位", &org(Some(31))).is_err());
        assert!(may_write(&scoped, Owner::System, "考核评估", &org(Some(31))).is_err());
        assert!(may_write(&unscoped, Owner::System, "考核评估", &org(Some(31))).is_err());
    }

    #[test]
    fn a_link_needs_both_ends() {
        let end = |owner, target: Target| End {
            owner,
            label: "端",
            target,
        };
        let other = Target {
            sides: Some(Sides {
                supporter: 11,
                receiver: 21,
                authority: 31,
            }),
            ..Target::default()
        };
        let link = |a: Target, b: Target| Target {
            ends: vec![end(Owner::Document, a), end(Owner::Supporter, b)],
            ..Target::default()
        };
        let editor = actor(Role::SupporterEditor, &[10]);
        assert!(may_write(&editor, Owner::Link, "文档关联", &link(t(), t())).is_ok());
        let refused = may_write(&editor, Owner::Link, "文档关联", &link(t(), other.clone()));
        assert!(refused.as_ref().is_err_and(|d| d.0.contains("文档关联")), "{refused:?}");
        assert!(may_write(&editor, Owner::Link, "文档关联", &link(other, t())).is_err());
        assert!(may_write(&editor, Owner::Link, "文档关联", &Target::default()).is_err());
        assert!(may_write(&actor(Role::Viewer, &[10]), Owner::Link, "文档关联", &link(t(), t())).is_err());
    }

    #[test]
    fn only_an_org_s_coordinator_moves_it_and_only_under_its_own() {
        let scoped = actor(Role::Coordinator, &[30, 31]);
        assert!(may_place_org(&scoped, Some(31), Some(30)).is_ok());
        assert!(may_place_org(&scoped, Some(31), None).is_ok());
        assert!(may_place_org(&scoped, None, Some(30)).is_ok());
        // another's org taken in: the re-parent escape
        assert!(may_place_org(&scoped, Some(99), Some(30)).is_err());
        // its own given away
        assert!(may_place_org(&scoped, Some(31), Some(99)).is_err());
        assert!(may_place_org(&scoped, None, Some(99)).is_err());
        assert!(may_place_org(&actor(Role::Coordinator, &[]), Some(99), Some(98)).is_ok());
        assert!(may_place_org(&actor(Role::Admin, &[]), Some(99), Some(98)).is_ok());
        assert!(may_place_org(&actor(Role::SupporterEditor, &[30, 99]), Some(99), Some(30)).is_err());
    }

    #[test]
    fn only_the_receiver_confirms() {
        assert!(may_confirm(&actor(Role::ReceiverEditor, &[20]), SIDES).is_ok());
        assert!(may_confirm(&actor(Role::ReceiverEditor, &[21]), SIDES).is_err());
        assert!(may_confirm(&actor(Role::SupporterEditor, &[10, 20]), SIDES).is_err());
        assert!(may_confirm(&actor(Role::Coordinator, &[]), SIDES).is_err());
        assert!(may_confirm(&actor(Role::Admin, &[]), SIDES).is_ok());
        assert!(may_read_audit(&actor(Role::Viewer, &[])).is_err());
        assert!(may_manage_users(&actor(Role::Coordinator, &[])).is_err());
    }
}
