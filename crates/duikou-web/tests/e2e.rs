//! End to end in a real headless Chromium (Debian's chromium + chromium-driver): log in as each demo role, drill down
//! from the dashboard to a program and a pairing, open the receiver's pages, confirm a fact as the receiver and see
//! the dashboard figure change, download a table and a summary, and save screenshots of the main pages to
//! `artifacts/screenshots/`. Skips, saying why, where chromedriver is not installed.

use duikou_store::testing::TestStore;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
}

async fn browser() -> Option<(Driver, Client)> {
    let driver_path = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let port = free_port();
    let child = Command::new(driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let driver = Driver(child);
    let profile = std::env::temp_dir().join(format!("duikou_chrome_{}", std::process::id()));
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000", "--lang=zh-CN",
                     format!("--user-data-dir={}", profile.display())]
        }
    });
    let caps = caps.as_object().cloned().unwrap_or_default();
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(c) = ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return Some((driver, c));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    None
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

async fn shot(c: &Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(screenshots().join(format!("{name}.png")), png);
    }
}

async fn login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("duikou-demo")
        .await
        .unwrap();
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("[data-testid=who]")).await.unwrap();
}

async fn logout(c: &Client) {
    c.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("username")).await.unwrap();
}

#[tokio::test]
async fn the_demo_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else {
        eprintln!("skipped: chromedriver not found (install Debian's chromium and chromium-driver; .ci/run does)");
        return;
    };
    let t = TestStore::sqlite().await.unwrap();
    duikou_demo::load(&t.store).await.unwrap();
    let app = duikou_web::app(duikou_web::AppState::new(t.store.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    // the public overview, then each demo role sees who it is
    c.goto(&base).await.unwrap();
    assert!(c.source().await.unwrap().contains("湖南省"));
    shot(&c, "01-overview").await;
    for (user, role) in [
        ("zhihuibu", "协调管理"),
        ("nanjing", "支援方填报员"),
        ("guest", "只读用户"),
    ] {
        login(&c, &base, user).await;
        let who = c
            .find(Locator::Css("[data-testid=who]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(who.contains(user) && who.contains(role), "{who}");
        if user == "zhihuibu" {
            shot(&c, "02-dashboard").await;
            c.goto(&format!("{base}/pairings/14")).await.unwrap();
            assert!(c.source().await.unwrap().contains("未达标"));
            shot(&c, "03-pairing").await;
            c.goto(&format!("{base}/records/activities?q=%E5%9F%B9%E8%AE%AD"))
                .await
                .unwrap();
            shot(&c, "04-search").await;
            // drill down: dashboard → program → pairing
            c.goto(&base).await.unwrap();
            c.find(Locator::Css(
                "main td a[href^='/programs/']:not([href$='/supervision'])",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            c.wait().for_element(Locator::Id("h-pairings")).await.unwrap();
            let program = c.source().await.unwrap();
            assert!(
                program.contains("资金按年度和来源") && program.contains("开工率"),
                "{program}"
            );
            shot(&c, "07-program").await;
            c.find(Locator::Css("main tbody a[href^='/pairings/']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            c.wait().for_element(Locator::Css("main h1")).await.unwrap();
            assert!(c.current_url().await.unwrap().path().starts_with("/pairings/"));
        }
        logout(&c).await;
    }

    // a pending fact, confirmed by the receiver in the browser, changes the confirmed totals
    let pending = t
        .store
        .list(
            "activities",
            &duikou_store::ListQuery {
                filters: [("confirmation".to_string(), "pending".to_string())].into(),
                per_page: Some(500),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut target = None;
    for a in &pending.items {
        let p = t
            .store
            .get("pairings", a["pairing_id"].as_i64().unwrap())
            .await
            .unwrap();
        let receiver = t
            .store
            .get("orgs", p["receiver_org_id"].as_i64().unwrap())
            .await
            .unwrap();
        if receiver["name"] == "石桥乡中心小学" {
            target = Some(a.clone());
            break;
        }
    }
    let act = target.expect("the 第8篇 demo pairing has a pending activity");
    let pairing = act["pairing_id"].as_i64().unwrap();
    let before = t.store.pairing_detail(pairing).await.unwrap()["totals_confirmed"]["activities"]["count"]
        .as_i64()
        .unwrap();
    login(&c, &base, "xiangzhen").await;
    // the receiver's own pages, reached from the navigation
    c.find(Locator::Css("nav a[href='/receiver/people']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    assert!(c.source().await.unwrap().contains("援派人员评价"));
    shot(&c, "08-receiver-people").await;
    c.goto(&format!("{base}/receiver/indicators")).await.unwrap();
    assert!(c.source().await.unwrap().contains("本地指标"));
    shot(&c, "09-receiver-indicators").await;
    c.goto(&format!("{base}/inbox")).await.unwrap();
    shot(&c, "05-inbox").await;
    let form = format!("form[action='/inbox/activities/{}/confirm'] button", act["id"]);
    c.find(Locator::Css(&form)).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("[role=status]")).await.unwrap();
    let after = t.store.pairing_detail(pairing).await.unwrap()["totals_confirmed"]["activities"]["count"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before + 1, "the confirmed count went up");
    assert_eq!(
        t.store.get("activities", act["id"].as_i64().unwrap()).await.unwrap()["confirmation"],
        "confirmed"
    );

    // a form with a mistake keeps what was typed and says what is wrong, next to the field
    c.goto(&format!("{base}/records/needs/new")).await.unwrap();
    c.find(Locator::Id("f_title"))
        .await
        .unwrap()
        .send_keys("音乐教师")
        .await
        .unwrap();
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("e_pairing_id")).await.unwrap();
    let kept = c
        .find(Locator::Id("f_title"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("音乐教师"));
    shot(&c, "06-form-error").await;
    logout(&c).await;
    c.close().await.unwrap();
    t.finish().await.unwrap();
}
