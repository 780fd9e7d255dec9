//! `gfplint lsp` end to end: the binary is started and spoken to in JSON-RPC over
//! stdio, as an editor does.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Result<Value, String>>,
    next_id: i64,
    /// Every message received, in order.
    seen: Vec<Value>,
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Changes the open caller's buffer (`CALLER_CLEAN`, version 1) to allocate under
    /// its lock (`CALLER_ALLOC`) and waits for that finding's diagnostic; the caller's
    /// diagnostics.
    fn edit_caller_to_allocate(&mut self, caller: &Path) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(caller), "version": 2 }, "contentChanges": [{ "text": CALLER_ALLOC }] }),
        );
        let d = self.diagnostics_for(caller, "the allocation's diagnostic", |d| !d.is_empty());
        assert_eq!(codes(&d), ["atomic-sleeping-gfp@6"], "{d:?}");
        d
    }

    fn start(root: &Path) -> Client {
        Client::start_with_env(root, &[])
    }

    /// `initialize` at `root` with these client capabilities, `initialized`, and the
    /// end of the first workspace analysis.
    fn initialized(&mut self, root: &Path, capabilities: Value) {
        self.request(
            "initialize",
            json!({ "processId": null, "rootUri": uri(root), "capabilities": capabilities }),
        );
        self.notify("initialized", json!({}));
        self.wait_for("progress end", |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
        });
    }

    /// Opens `path` with `text` and waits for its first diagnostics.
    fn open(&mut self, path: &Path, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": "c", "version": 1, "text": text } }),
        );
        self.diagnostics_for(path, "the opened file's diagnostics", |_| true)
    }

    fn start_with_env(root: &Path, env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gfplint"))
            .arg("lsp")
            .current_dir(root)
            .env_remove("GFPLINT_CACHE_DIR")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gfplint starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = channel();
        // Reads framed messages; anything else on stdout is an error.
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    match r.read_line(&mut line) {
                        Ok(0) => return,
                        Ok(_) => {}
                        Err(e) => {
                            let _ = tx.send(Err(e.to_string()));
                            return;
                        }
                    }
                    if line == "\r\n" {
                        break;
                    }
                    match line.strip_prefix("Content-Length: ") {
                        Some(n) => length = n.trim().parse::<usize>().ok(),
                        None => {
                            let _ = tx.send(Err(format!("stray output on stdout: {line:?}")));
                            return;
                        }
                    }
                }
                let Some(n) = length else {
                    let _ = tx.send(Err("a message without Content-Length".into()));
                    return;
                };
                let mut body = vec![0; n];
                if r.read_exact(&mut body).is_err() {
                    let _ = tx.send(Err("a truncated message".into()));
                    return;
                }
                let v = serde_json::from_slice(&body).map_err(|e| e.to_string());
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 0,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let response = self.wait_for(&format!("the response to {method}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        });
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Waits for a message satisfying `pred`, answering the server's requests.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = match self.messages.recv_timeout(left) {
                Ok(Ok(m)) => m,
                Ok(Err(e)) => panic!("while waiting for {what}: {e}"),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out waiting for {what}; received: {}",
                    serde_json::to_string_pretty(&self.seen).unwrap_or_default()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!("server exited waiting for {what}"),
            };
            self.seen.push(m.clone());
            // Server → client requests (progress creation, watcher registration).
            if let (Some(id), Some(_)) = (m.get("id"), m.get("method")) {
                let id = id.clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
            }
            if pred(&m) {
                return m;
            }
        }
    }

    fn diagnostics_for(
        &mut self,
        file: &Path,
        what: &str,
        pred: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let u = uri(file);
        let m = self.wait_for(what, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == u.as_str()
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| pred(d))
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir =
        std::env::temp_dir().join(format!("gfplint-lsp-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::canonicalize(&dir).expect("canonical")
}

/// A project (a `.git` marker) with the driver `drv/`: `caller.c` clean and `helper.c`
/// quiet. Returns (root, caller, helper).
fn driver_project(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = temp_dir(name);
    std::fs::create_dir_all(root.join(".git")).expect("mkdir");
    std::fs::create_dir_all(root.join("drv")).expect("mkdir");
    let caller = root.join("drv/caller.c");
    let helper = root.join("drv/helper.c");
    std::fs::write(&caller, CALLER_CLEAN).expect("write");
    std::fs::write(&helper, HELPER_QUIET).expect("write");
    (root, caller, helper)
}

// Two functions: an allocation under the lock in one, the call of the helper under
// the lock in the other (in one section, a later sleep is the earlier one's finding).
const CALLER_CLEAN: &str = "struct dev { spinlock_t lock; void *buf; };
void helper(struct dev *d);

void caller_fn(struct dev *d)
{
\tspin_lock(&d->lock);
\td->buf = NULL;
\tspin_unlock(&d->lock);
}

void caller_locked(struct dev *d)
{
\tspin_lock(&d->lock);
\thelper(d);
\tspin_unlock(&d->lock);
}
";

const CALLER_ALLOC: &str = "struct dev { spinlock_t lock; void *buf; };
void helper(struct dev *d);

void caller_fn(struct dev *d)
{
\tspin_lock(&d->lock);
\td->buf = kmalloc(64, GFP_KERNEL);
\tspin_unlock(&d->lock);
}

void caller_locked(struct dev *d)
{
\tspin_lock(&d->lock);
\thelper(d);
\tspin_unlock(&d->lock);
}
";

const HELPER_QUIET: &str = "struct dev;

void helper(struct dev *d)
{
\t(void)d;
}
";

const HELPER_SLEEPS: &str = "struct dev;

void helper(struct dev *d)
{
\t(void)d;
\tmsleep(10);
}
";

fn codes(diags: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = diags
        .iter()
        .map(|d| {
            format!(
                "{}@{}",
                d["code"].as_str().unwrap_or("?"),
                d["range"]["start"]["line"]
            )
        })
        .collect();
    c.sort();
    c
}

/// Applies a WorkspaceEdit's edits for `file` to `text` (line/character in UTF-16,
/// ASCII here).
fn apply(text: &str, edits: &[Value]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(String::from).collect();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64(),
            e["range"]["start"]["character"].as_u64(),
        ))
    });
    for e in edits {
        let (sl, sc) = (
            e["range"]["start"]["line"].as_u64().expect("line") as usize,
            e["range"]["start"]["character"].as_u64().expect("char") as usize,
        );
        let (el, ec) = (
            e["range"]["end"]["line"].as_u64().expect("line") as usize,
            e["range"]["end"]["character"].as_u64().expect("char") as usize,
        );
        let joined = lines.join("\n");
        let offset = |l: usize, c: usize| lines[..l].iter().map(|s| s.len() + 1).sum::<usize>() + c;
        let (s, t) = (offset(sl, sc), offset(el, ec));
        let new = format!(
            "{}{}{}",
            &joined[..s],
            e["newText"].as_str().expect("text"),
            &joined[t..]
        );
        lines = new.split('\n').map(String::from).collect();
    }
    lines.join("\n")
}

#[test]
fn live_diagnostics_cross_file_code_actions_and_shutdown() {
    let root = temp_dir("session");
    let caller = root.join("caller.c");
    let helper = root.join("helper.c");
    std::fs::write(&caller, CALLER_CLEAN).expect("write");
    std::fs::write(&helper, HELPER_QUIET).expect("write");

    let mut c = Client::start(&root);
    let init = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root),
            "capabilities": {
                "window": { "workDoneProgress": true },
                "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                "general": { "positionEncodings": ["utf-16"] }
            }
        }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    c.notify("initialized", json!({}));

    // The workspace is analysed in the background, with progress.
    c.wait_for("progress creation", |m| {
        m["method"] == "window/workDoneProgress/create"
    });
    c.wait_for("progress begin", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin"
    });
    c.wait_for("progress end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });

    // A clean file: no diagnostics.
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri(&caller), "languageId": "c", "version": 1, "text": CALLER_CLEAN } }),
    );
    let d = c.diagnostics_for(&caller, "the clean file's diagnostics", |_| true);
    assert!(d.is_empty(), "{d:?}");

    // An allocation under the spinlock, typed but not saved.
    let d = c.edit_caller_to_allocate(&caller);
    let alloc = &d[0];
    assert_eq!(alloc["source"], "gfplint");
    assert_eq!(alloc["severity"], 1);
    assert!(
        alloc["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/atomic-sleeping-gfp.md")),
        "{alloc}"
    );
    assert_eq!(
        alloc["range"]["start"],
        json!({ "line": 6, "character": 10 })
    );
    let related = alloc["relatedInformation"]
        .as_array()
        .expect("related information");
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == uri(&caller).as_str()
                && r["location"]["range"]["start"]["line"] == 5),
        "the lock site is related: {related:?}"
    );

    // The helper, in another file, starts sleeping: the caller's diagnostics change
    // (the call under the lock now leads to a finding in helper.c).
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri(&helper), "languageId": "c", "version": 1, "text": HELPER_QUIET } }),
    );
    std::fs::write(&helper, HELPER_SLEEPS).expect("write");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&helper), "version": 2 }, "contentChanges": [{ "text": HELPER_SLEEPS }] }),
    );
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&helper) } }),
    );
    let d = c.diagnostics_for(
        &caller,
        "the caller's diagnostics after the helper changed",
        |d| d.len() == 2,
    );
    assert_eq!(
        codes(&d),
        ["atomic-sleeping-call@13", "atomic-sleeping-gfp@6"],
        "{d:?}"
    );
    let chain = d
        .iter()
        .find(|x| x["code"] == "atomic-sleeping-call")
        .expect("chain");
    assert!(
        chain["message"]
            .as_str()
            .is_some_and(|m| m.contains("helper.c:6")),
        "{chain}"
    );
    assert!(
        chain["relatedInformation"].as_array().is_some_and(|r| r
            .iter()
            .any(|r| r["location"]["uri"] == uri(&helper).as_str())),
        "{chain}"
    );
    let h = c.diagnostics_for(&helper, "the helper's own finding", |d| !d.is_empty());
    assert_eq!(codes(&h), ["atomic-sleeping-call@5"], "{h:?}");

    // Hover on the call of helper() says it may sleep, and where.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&caller) }, "position": { "line": 13, "character": 2 } }),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("`msleep()` at helper.c:6"), "{hover}");
    assert!(
        text.contains(
            "runs with spinlock `d->lock` held when called from `caller_locked()` at caller.c:14"
        ),
        "{hover}"
    );

    // Code actions: a suppression, never GFP_ATOMIC; applied, the finding goes.
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&caller) },
            "range": alloc["range"],
            "context": { "diagnostics": [alloc] }
        }),
    );
    let actions = actions.as_array().expect("actions");
    // No action's edit changes the flags (the diagnostic echoed in an action may
    // mention GFP_ATOMIC in its help: that is not an edit).
    for a in actions {
        assert!(!a["edit"].to_string().contains("GFP_ATOMIC"), "{a}");
        assert!(!a["title"].to_string().contains("GFP_ATOMIC"), "{a}");
    }
    let allow = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("gfplint: allow"))
        })
        .expect("an allow action");
    let edits = allow["edit"]["changes"][uri(&caller)]
        .as_array()
        .expect("edits");
    let fixed = apply(CALLER_ALLOC, edits);
    assert!(
        fixed.contains("\t/* gfplint: allow(atomic-sleeping-gfp) "),
        "{fixed}"
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&caller), "version": 3 }, "contentChanges": [{ "text": fixed }] }),
    );
    let d = c.diagnostics_for(&caller, "the diagnostics after the fix", |d| d.len() == 1);
    assert_eq!(codes(&d), ["atomic-sleeping-call@14"], "{d:?}");

    // Shutdown and exit: status 0, nothing else on stdout or stderr.
    let r = c.request("shutdown", Value::Null);
    assert!(r.is_null());
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("exit");
    assert!(status.success(), "{status:?}");
    while let Ok(m) = c.messages.recv_timeout(Duration::from_secs(5)) {
        let m = m.expect("only framed messages on stdout");
        assert!(
            m["method"] == "textDocument/publishDiagnostics" || m["method"] == "$/progress",
            "after shutdown: {m}"
        );
    }
    let mut stderr = String::new();
    c.child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    assert_eq!(stderr, "");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn size_fix_and_configuration_reload() {
    let root = temp_dir("size");
    let file = root.join("grow.c");
    let text = "void *grow(size_t n, unsigned int w)\n{\n\treturn kmalloc(n * w, GFP_KERNEL);\n}\n";
    std::fs::write(&file, text).expect("write");
    // The lint is off by default: the configuration turns it on, later off again.
    std::fs::write(
        root.join("gfplint.toml"),
        "[lints]\nalloc-size-overflow = \"warn\"\n",
    )
    .expect("write");
    let mut c = Client::start(&root);
    c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root),
            "capabilities": { "general": { "positionEncodings": ["utf-8", "utf-16"] } }
        }),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri(&file), "languageId": "c", "version": 1, "text": text } }),
    );
    let d = c.diagnostics_for(&file, "the overflow finding", |d| !d.is_empty());
    assert_eq!(codes(&d), ["alloc-size-overflow@2"], "{d:?}");
    assert_eq!(d[0]["severity"], 2);
    // The lint's own fix (as `--fix` applies it) travels with the diagnostic.
    assert!(d[0]["data"]["fix"].is_object(), "{}", d[0]);
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&file) }, "range": d[0]["range"], "context": { "diagnostics": [d[0]] } }),
    );
    let fix = actions
        .as_array()
        .and_then(|a| a.iter().find(|a| a["isPreferred"] == true))
        .expect("a preferred size fix");
    let edits = fix["edit"]["changes"][uri(&file)]
        .as_array()
        .expect("edits");
    assert_eq!(fix["title"], "Use kmalloc_array() (fails on overflow)");
    let fixed = apply(text, edits);
    assert!(
        fixed.contains("\treturn kmalloc_array(n, w, GFP_KERNEL);\n"),
        "{fixed}"
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&file), "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    );
    let d = c.diagnostics_for(&file, "no finding after the fix", |d| d.is_empty());
    assert!(d.is_empty());

    // gfplint.toml raises a lint that is off by default; the server reloads it on
    // workspace/didChangeWatchedFiles.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&file), "version": 3 }, "contentChanges": [{ "text": text }] }),
    );
    let d = c.diagnostics_for(&file, "the finding again", |d| !d.is_empty());
    assert_eq!(d[0]["severity"], 2);
    std::fs::write(
        root.join("gfplint.toml"),
        "[lints]\nalloc-size-overflow = \"allow\"\n",
    )
    .expect("write");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root.join("gfplint.toml")), "type": 1 }] }),
    );
    let d = c.diagnostics_for(&file, "the lint allowed by the configuration", |d| {
        d.is_empty()
    });
    assert!(d.is_empty());
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().expect("exit").success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn requests_are_answered_while_the_workspace_is_analysed() {
    let root = temp_dir("busy");
    // Enough code that the first analysis takes a while even on a fast machine.
    for f in 0..200 {
        let mut text = String::from("struct dev { spinlock_t lock; void *buf; };\n");
        for i in 0..60 {
            text.push_str(&format!(
                "static void f{f}_{i}(struct dev *d)\n{{\n\tspin_lock(&d->lock);\n\tif (d->buf)\n\t\td->buf = NULL;\n\tspin_unlock(&d->lock);\n}}\n"
            ));
        }
        std::fs::write(root.join(format!("busy{f}.c")), text).expect("write");
    }
    let mut c = Client::start(&root);
    c.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(&root), "capabilities": { "window": { "workDoneProgress": true } } }),
    );
    c.notify("initialized", json!({}));
    c.wait_for("progress begin", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin"
    });
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&root.join("busy0.c")) }, "position": { "line": 1, "character": 13 } }),
    );
    assert!(r.is_null(), "{r}");
    assert!(
        !c.seen
            .iter()
            .any(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"),
        "the hover was answered only after the analysis"
    );
    c.wait_for("progress end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().expect("exit").success());
    let _ = std::fs::remove_dir_all(&root);
}

/// Runs the server on `root` until its first workspace analysis ends; its stderr.
fn first_analysis(root: &Path) -> String {
    let mut child_env = Client::start_with_env(root, &[("GFPLINT_LSP_TIMINGS", "1")]);
    child_env.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(root), "capabilities": { "window": { "workDoneProgress": true } } }),
    );
    child_env.notify("initialized", json!({}));
    child_env.wait_for("progress end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    child_env.request("shutdown", Value::Null);
    child_env.notify("exit", Value::Null);
    let out = child_env.child.wait_with_output().expect("exit");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_workspace_analysis_shares_the_facts_cache_with_check() {
    // The workspace is a directory of a project: the cache is the project's.
    let project = temp_dir("cache");
    std::fs::create_dir_all(project.join(".git")).expect("mkdir");
    let root = project.join("drivers");
    std::fs::create_dir_all(&root).expect("mkdir");
    for (name, text) in [
        ("a.c", "void a(void)\n{\n\tmsleep(1);\n}\n"),
        (
            "b.c",
            "void a(void);\nvoid b(spinlock_t *l)\n{\n\tspin_lock(l);\n\ta();\n\tspin_unlock(l);\n}\n",
        ),
    ] {
        std::fs::write(root.join(name), text).expect("write");
    }
    // A fresh tree: the server parses both files and stores their facts...
    let log = first_analysis(&root);
    assert!(log.contains("facts cache: 0 reused, 2 parsed"), "{log}");
    assert!(project.join(".gfplint-cache").is_dir());
    assert!(!root.join(".gfplint-cache").exists());
    // ...which `gfplint check` then reuses,
    let check = Command::new(env!("CARGO_BIN_EXE_gfplint"))
        .args(["check", "--format", "gcc", "drivers"])
        .current_dir(&project)
        .env_remove("GFPLINT_CACHE_DIR")
        .output()
        .expect("check runs");
    let summary = String::from_utf8_lossy(&check.stderr);
    assert!(summary.contains("cache: 2 reused, 0 parsed"), "{summary}");
    // ...and so does a server started again.
    let log = first_analysis(&root);
    assert!(log.contains("facts cache: 2 reused, 0 parsed"), "{log}");
    let _ = std::fs::remove_dir_all(&project);
}

/// With a facts cache, a run after an edit is `gfplint check`'s pre-commit run over
/// the open files: the whole-program stage runs over the slice of the program the
/// edit can affect, not over every file, and the result is the same as `gfplint check`
/// of the edited text.
#[test]
fn an_edit_is_analysed_over_a_slice_of_the_program() {
    // A slice loads whole directories: the driver's, beside twelve others.
    let (root, caller, _) = driver_project("slice");
    for i in 0..12 {
        std::fs::create_dir_all(root.join(format!("other{i}"))).expect("mkdir");
        std::fs::write(
            root.join(format!("other{i}/x.c")),
            format!("void other{i}(void)\n{{\n}}\n"),
        )
        .expect("write");
    }
    let mut c = Client::start_with_env(&root, &[("GFPLINT_TIMINGS", "1")]);
    c.initialized(&root, json!({ "window": { "workDoneProgress": true } }));
    c.open(&caller, CALLER_CLEAN);
    c.edit_caller_to_allocate(&caller);
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let out = c.child.wait_with_output().expect("exit");
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("sliced run finished"), "{log}");
    assert!(!log.contains("not sliced"), "{log}");
    let _ = std::fs::remove_dir_all(&root);
}

/// With the client's file watcher registered, a run after an edit does not `stat` the
/// workspace's files again: what changed on disk is what the client reports. A file
/// changed behind the client's back is seen once the client reports it.
#[test]
fn runs_trust_the_file_watcher_for_files_on_disk() {
    let (root, caller, helper) = driver_project("watch");
    // Files modified within the last seconds are read every run ("racily clean").
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let mut c = Client::start(&root);
    c.initialized(
        &root,
        json!({
            "window": { "workDoneProgress": true },
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } }
        }),
    );
    c.open(&caller, CALLER_CLEAN);
    // The helper starts sleeping on disk; the client says nothing of it.
    std::fs::write(&helper, HELPER_SLEEPS).expect("write");
    c.edit_caller_to_allocate(&caller);
    // Reported: the next run looks at the files again.
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&helper), "type": 2 }] }),
    );
    let d = c.diagnostics_for(&caller, "the helper's chain", |d| d.len() == 2);
    assert_eq!(
        codes(&d),
        ["atomic-sleeping-call@13", "atomic-sleeping-gfp@6"],
        "{d:?}"
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().expect("exit").success());
    let _ = std::fs::remove_dir_all(&root);
}

/// A whole-program run over an unsaved buffer is not kept as the last run that later
/// runs slice against: `gfplint check` of another file's edit afterwards sees only that
/// file changed, not the buffer's file (whose text on disk is the last run's).
#[test]
fn unsaved_buffers_are_not_the_last_run() {
    let (root, caller, helper) = driver_project("unsaved");
    let check = |file: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_gfplint"))
            .args(["check", "--format", "gcc", file])
            .current_dir(&root)
            .env_remove("GFPLINT_CACHE_DIR")
            .env("GFPLINT_TIMINGS", "1")
            .output()
            .expect("check runs");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    check("drv/caller.c");
    // The server runs the whole program over the edited buffer (no slice).
    let mut c = Client::start_with_env(&root, &[("GFPLINT_NO_SLICE", "1")]);
    c.initialized(&root, json!({ "window": { "workDoneProgress": true } }));
    c.open(&caller, CALLER_CLEAN);
    c.edit_caller_to_allocate(&caller);
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().expect("exit").success());
    // A code edit of the helper on disk: the slice is of the helper alone.
    std::fs::write(&helper, format!("\n{HELPER_QUIET}")).expect("write");
    let log = check("drv/helper.c");
    assert!(
        log.contains("slice of 1 changed files (drv/helper.c)"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
