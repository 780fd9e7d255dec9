//! `gfplint lsp`: a Language Server Protocol server over stdio.
//!
//! Built on `lsp-server` and `lsp-types` (rust-analyzer's crates): a synchronous
//! message loop on crossbeam channels, no async runtime; the analysis is CPU-bound
//! and already parallel (rayon), so an async framework (tower-lsp, tokio) would add
//! a runtime and dependencies for nothing.
//!
//! Threads: the main loop owns the protocol state (open buffers, what was published)
//! and answers requests at once; one analysis thread runs the pipeline
//! (`check_files_with`) over the workspace with the open buffers as an overlay and
//! keeps per-file results between runs (`Workspace`), so a run after an edit parses
//! only the edited buffers again and redoes the whole-program stages. Files not yet
//! in memory come from the facts cache of `gfplint check` (`.gfplint-cache/` at the
//! project root above the workspace, or `GFPLINT_CACHE_DIR`), so the first analysis of a tree checked before
//! decodes facts instead of parsing. An edit after a pause is analysed at once, the
//! rest of a burst of edits once it ends (`DEBOUNCE`); a run whose inputs changed
//! meanwhile is not published (the next one is).
//!
//! In the pipeline (stage *lsp*, `src/lsp/`): `gfplint lsp` (lsp-server, lsp-types):
//! the protocol loop on the main thread, one analysis thread. With a usable facts cache
//! each run is `check_files_with` in pre-commit mode (open files named, buffers as
//! `Options::overlay`, `needs_program` for the hover's `inspect`): stored outcomes,
//! else a slice (`incremental`), with an `incremental::Session` keeping the build
//! model, program store (with a hash index of its names), kernel headers, the headers a
//! slice read for declarations only (lent to the next slice), the files' `stat`s and
//! the cache entries found for them between runs; an edit after a pause runs at once,
//! the rest of a burst after `DEBOUNCE` (trusted while the client's file watcher
//! reports nothing: `Options::trust_stats`); without one, a `Workspace` keeps per-file
//! results in memory and every run is the whole stage. `convert.rs` maps diagnostics
//! (labels → related information, evidence in other open files), `actions.rs` quick
//! fixes, `hover.rs` function context

pub mod actions;
pub mod convert;
pub mod hover;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::json;

use crate::config::Config;
use convert::Encoding;

/// How long after the last keystroke a buffer is analysed when keystrokes come in a
/// burst: long enough to take the burst as one edit, short beside a run (a run that its
/// inputs outdate is not published; the next one is). An edit after a pause, with the
/// analysis thread idle, is analysed at once.
pub const DEBOUNCE: Duration = Duration::from_millis(60);
/// How often `$/progress` reports are sent during a long run.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);
const PROGRESS_TOKEN: &str = "gfplint/analysis";

/// Runs the server on stdin/stdout until `exit`. `Err` is a protocol failure (the
/// client went away, or broke the protocol) or an `exit` without `shutdown`.
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let result = serve(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    result
}

/// One analysis run requested of the analysis thread.
struct Job {
    id: u64,
    files: Vec<String>,
    overlay: HashMap<String, String>,
    options: crate::Options,
    open: HashSet<String>,
    /// Drop the per-file results first (the configuration changed).
    forget: bool,
    /// Run as `gfplint check` does in pre-commit mode (see [`analysis_thread`]).
    project: bool,
    /// Nothing changed on disk since the last run (`Options::trust_stats`).
    trust_stats: bool,
}

/// A finished run.
struct Done {
    id: u64,
    outcome: crate::Outcome,
    hovers: HashMap<String, Vec<hover::Spot>>,
    elapsed: Duration,
}

struct Doc {
    uri: lsp::Uri,
    version: i32,
    text: String,
}

struct Server {
    connection: Connection,
    /// The workspace root (the process's current directory): run paths are relative
    /// to it.
    root: PathBuf,
    encoding: Encoding,
    config: Config,
    files: Vec<String>,
    docs: BTreeMap<String, Doc>,
    /// Incremented on every input change (buffer edit, save, watched file, config).
    generation: u64,
    /// When to start the next run, if one is wanted.
    due: Option<Instant>,
    /// The next run must drop per-file results (configuration changed).
    forget: bool,
    /// The running job: (job id, generation it analysed).
    running: Option<(u64, u64)>,
    next_job: u64,
    jobs: Sender<Job>,
    done: Receiver<Done>,
    published: HashMap<String, Vec<lsp::Diagnostic>>,
    hovers: HashMap<String, Vec<hover::Spot>>,
    progress: Arc<AtomicUsize>,
    /// Reporting `$/progress` for the running job (files in the run).
    progress_total: Option<usize>,
    work_done_progress: bool,
    next_request: i32,
    shutdown: bool,
    /// Milliseconds from the last input change to each publication (for `bench/lsp.sh`,
    /// with `GFPLINT_LSP_TIMINGS` set: logged on stderr).
    timings: bool,
    last_change: Instant,
    /// Whether runs use the facts cache ([`Server::project_mode`]); `None`: not yet
    /// decided for this configuration.
    project: Option<bool>,
    /// The client reports file changes (watchers registered).
    watching: bool,
    /// Files may have changed on disk since the last run started (a watched-file
    /// event, a buffer closed, the first run): the next run looks at every file.
    disk_changed: bool,
}

fn serve(connection: Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: lsp::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize params: {e}"))?;
    let encoding = match params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
    {
        Some(encs) if encs.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    };
    let work_done_progress = params
        .capabilities
        .window
        .as_ref()
        .and_then(|w| w.work_done_progress)
        .unwrap_or(false);
    let watch_registration = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    #[allow(deprecated, reason = "older clients send only rootUri or rootPath")]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| convert::path_of(&f.uri))
        .or_else(|| params.root_uri.as_ref().and_then(convert::path_of))
        .or_else(|| params.root_path.clone())
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .ok_or("no workspace root and no current directory")?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    // Paths in messages read like the command line's when run from the root.
    std::env::set_current_dir(&root)
        .map_err(|e| format!("cannot enter the workspace root {}: {e}", root.display()))?;

    let capabilities = lsp::ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..lsp::TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..lsp::CodeActionOptions::default()
            },
        )),
        ..lsp::ServerCapabilities::default()
    };
    let result = json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "gfplint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;

    let (jobs, job_rx) = crossbeam_channel::unbounded::<Job>();
    let (done_tx, done) = crossbeam_channel::unbounded::<Done>();
    let analysis = std::thread::Builder::new()
        .name("gfplint-analysis".into())
        .spawn(move || analysis_thread(&job_rx, &done_tx))
        .map_err(|e| format!("cannot start the analysis thread: {e}"))?;

    let mut server = Server {
        connection,
        root,
        encoding,
        config: Config::default(),
        files: Vec::new(),
        docs: BTreeMap::new(),
        generation: 0,
        due: None,
        forget: false,
        running: None,
        next_job: 0,
        jobs,
        done,
        published: HashMap::new(),
        hovers: HashMap::new(),
        progress: Arc::new(AtomicUsize::new(0)),
        progress_total: None,
        work_done_progress,
        next_request: 0,
        shutdown: false,
        timings: std::env::var_os("GFPLINT_LSP_TIMINGS").is_some(),
        last_change: Instant::now(),
        project: None,
        watching: watch_registration,
        disk_changed: true,
    };
    server.load_config();
    server.discover();
    if watch_registration {
        server.register_watchers();
    }
    // The initial workspace analysis starts at once, in the background.
    server.due = Some(Instant::now());
    let result = server.main_loop();
    // Not joined: a run in progress (the first analysis of a large tree takes a while)
    // must not delay `exit`; the thread ends with the process.
    drop(analysis);
    result
}

/// The analysis thread: runs jobs one at a time.
///
/// With a usable facts cache (`Job::project`), a job is the run `gfplint check` makes
/// in pre-commit mode with the open files named and their buffers as an overlay: the
/// stored outcome of the last whole run when nothing changed, else the whole-program
/// stage over the slice of the program the edits can affect, from the last whole
/// run's program store (`incremental`); the whole stage only where an edit cannot be
/// sliced. Memory then holds one run's slice, not every file's facts. Without the
/// cache, per-file results are kept in memory between runs (`Workspace`) and every
/// run redoes the whole-program stage.
fn analysis_thread(jobs: &Receiver<Job>, done: &Sender<Done>) {
    let mut workspace = crate::Workspace::default();
    let mut session = Arc::new(crate::incremental::Session::default());
    while let Ok(job) = jobs.recv() {
        let started = Instant::now();
        if job.forget || job.project {
            workspace.forget();
        }
        if job.forget {
            session = Arc::default();
        }
        let open = job.open;
        let (outcome, hovers) = if job.project {
            let mut named: Vec<String> = open.iter().cloned().collect();
            named.sort();
            let options = crate::Options {
                report_only: Some(named),
                overlay: job
                    .overlay
                    .into_iter()
                    .map(|(path, text)| crate::Overlay::new(&path, text.into_bytes()))
                    .collect(),
                needs_program: !open.is_empty(),
                session: Some(session.clone()),
                trust_stats: job.trust_stats,
                ..job.options
            };
            crate::check_files_with(
                &job.files,
                Vec::new(),
                &options,
                None,
                |program, analysis| hover::collect(program, analysis, &open),
            )
        } else {
            workspace.overlay = job.overlay;
            workspace.retain(&job.files);
            crate::check_files_with(
                &job.files,
                Vec::new(),
                &job.options,
                Some(&workspace),
                |program, analysis| hover::collect(program, analysis, &open),
            )
        };
        let sent = done.send(Done {
            id: job.id,
            outcome,
            hovers: hovers.unwrap_or_default(),
            elapsed: started.elapsed(),
        });
        if sent.is_err() {
            break;
        }
    }
}

impl Server {
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            self.maybe_start();
            let now = Instant::now();
            let mut wait = Duration::from_secs(3600);
            if let Some(due) = self.due
                && self.running.is_none()
            {
                wait = wait.min(due.saturating_duration_since(now));
            }
            if self.progress_total.is_some() {
                wait = wait.min(PROGRESS_EVERY);
            }
            let receiver = self.connection.receiver.clone();
            let done = self.done.clone();
            select! {
                recv(receiver) -> msg => {
                    let Ok(msg) = msg else {
                        return Err("the client closed the connection without `exit`".into());
                    };
                    match msg {
                        Message::Request(req) => self.on_request(req),
                        Message::Notification(n) => {
                            if n.method == lsp::notification::Exit::METHOD {
                                return if self.shutdown {
                                    Ok(())
                                } else {
                                    Err("`exit` without `shutdown`".into())
                                };
                            }
                            self.on_notification(n);
                        }
                        // Answers to our requests (progress creation, registration).
                        Message::Response(_) => {}
                    }
                }
                recv(done) -> d => {
                    if let Ok(d) = d {
                        self.on_done(d);
                    }
                }
                default(wait) => self.report_progress(),
            }
        }
    }

    fn send(&self, message: Message) {
        // A send fails only when the writer thread ended (stdout closed); the loop
        // then ends on the closed receiver.
        let _ = self.connection.sender.send(message);
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    fn request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_request += 1;
        let id = RequestId::from(format!("gfplint-{}", self.next_request));
        self.send(Request::new(id, method.to_string(), params).into());
    }

    fn show_message(&self, typ: lsp::MessageType, message: String) {
        self.notify(
            lsp::notification::ShowMessage::METHOD,
            lsp::ShowMessageParams { typ, message },
        );
    }

    fn load_config(&mut self) {
        self.config = match Config::find(&self.root) {
            Some(path) => match Config::load(&path) {
                Ok(c) => c,
                Err(e) => {
                    self.show_message(
                        lsp::MessageType::ERROR,
                        format!("gfplint: {e} (using the defaults until it is fixed)"),
                    );
                    Config::default()
                }
            },
            None => Config::default(),
        };
    }

    /// The C files of the workspace that the configuration selects, and open ones: the
    /// walk of `gfplint check` (ignore files, default excludes), so that a server at a
    /// project's root and `gfplint check .` there share their stored runs.
    fn discover(&mut self) {
        let project = crate::root::find(&self.root).map_or_else(|| self.root.clone(), |r| r.dir);
        let mut walk = crate::walk::WalkOptions::new(&project);
        if let Some(globs) = &self.config.default_exclude {
            walk.excludes = globs.clone();
        }
        // (The walk kept in the facts cache: a file created or deleted lists its
        // directory again, not the tree.)
        walk.memo = self.options().cache_dir;
        let (mut files, _errors) = crate::walk::discover(&[".".to_string()], &walk);
        for f in &mut files {
            if let Some(rest) = f.strip_prefix("./") {
                *f = rest.to_string();
            }
        }
        files.retain(|f| self.config.selects(Path::new(f)));
        let known: HashSet<String> = files.iter().cloned().collect();
        for path in self.docs.keys() {
            if !known.contains(path) {
                files.push(path.clone());
            }
        }
        self.files = files;
    }

    fn register_watchers(&mut self) {
        let watchers: Vec<lsp::FileSystemWatcher> = ["**/gfplint.toml", "**/*.c", "**/*.h"]
            .iter()
            .map(|g| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect();
        let registration = lsp::Registration {
            id: "gfplint-watch".into(),
            method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        self.request(
            lsp::request::RegisterCapability::METHOD,
            lsp::RegistrationParams {
                registrations: vec![registration],
            },
        );
    }

    /// Whether runs go through the facts cache as `gfplint check` does (see
    /// [`analysis_thread`]): when its directory can be used. Decided once per
    /// configuration.
    fn project_mode(&mut self) -> bool {
        if let Some(p) = self.project {
            return p;
        }
        let usable = self
            .options()
            .cache_dir
            .is_some_and(|dir| crate::cache::Cache::open(&dir, &self.root, 0).is_ok());
        self.project = Some(usable);
        usable
    }

    /// The run's options from the configuration, as `gfplint check` builds them.
    fn options(&self) -> crate::Options {
        let mut config = self.config.clone();
        let project = crate::root::find(&self.root).map(|r| r.dir);
        // At a kernel tree's top, the tree's own version unless configured (as
        // `gfplint check` does).
        if config.target.kernel_version.is_none()
            && let Some(dir) = &project
        {
            config.target.kernel_version = crate::kbuild::tree_version(dir);
        }
        let config = &config;
        // The project root above the workspace (as `gfplint check` finds it from a
        // file there) holds the cache.
        let cache_dir = match std::env::var_os("GFPLINT_CACHE_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => project
                .as_deref()
                .unwrap_or(Path::new("."))
                .join(crate::cache::DIR_NAME),
        };
        crate::Options {
            jobs: 0,
            report_only: None,
            root: Some(PathBuf::from(".")),
            progress: Some(self.progress.clone()),
            // The workspace's runs keep their per-file results in memory
            // (`Workspace`) and take the others from the facts cache on disk, the
            // one `gfplint check` uses.
            cache_dir: Some(cache_dir),
            cache_root: project,
            overlay: Vec::new(),
            ..config.options(config.levels.clone())
        }
    }

    /// A path of the run for a document URI: relative to the root when inside it.
    fn path_for(&self, uri: &lsp::Uri) -> Option<String> {
        let path = PathBuf::from(convert::path_of(uri)?);
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        Some(match path.strip_prefix(&self.root) {
            Ok(rel) => rel.to_string_lossy().into_owned(),
            Err(_) => path.to_string_lossy().into_owned(),
        })
    }

    fn changed(&mut self, delay: Duration) {
        // The first edit after a pause is analysed at once (the analysis thread is
        // idle); the edits of a burst that follow wait for the burst to end, and a run
        // they outdate is not published.
        let idle =
            self.running.is_none() && self.due.is_none() && self.last_change.elapsed() >= delay;
        let delay = if idle { Duration::ZERO } else { delay };
        self.generation += 1;
        self.last_change = Instant::now();
        let due = Instant::now() + delay;
        // A later edit pushes the run back; a save does not wait for an edit's delay.
        self.due = Some(match self.due {
            Some(d) if delay.is_zero() => d.min(due),
            _ => due,
        });
    }

    fn maybe_start(&mut self) {
        let Some(due) = self.due else { return };
        if self.running.is_some() || Instant::now() < due {
            return;
        }
        self.due = None;
        self.next_job += 1;
        let first = self.next_job == 1;
        let job = Job {
            id: self.next_job,
            files: self.files.clone(),
            overlay: self
                .docs
                .iter()
                .map(|(p, d)| (p.clone(), d.text.clone()))
                .collect(),
            options: self.options(),
            open: self.docs.keys().cloned().collect(),
            forget: std::mem::take(&mut self.forget),
            project: self.project_mode(),
            trust_stats: self.watching && !std::mem::take(&mut self.disk_changed),
        };
        self.progress.store(0, Ordering::Relaxed);
        if (first || job.forget) && self.work_done_progress {
            self.request(
                lsp::request::WorkDoneProgressCreate::METHOD,
                lsp::WorkDoneProgressCreateParams {
                    token: lsp::NumberOrString::String(PROGRESS_TOKEN.into()),
                },
            );
            self.progress_message(lsp::WorkDoneProgress::Begin(lsp::WorkDoneProgressBegin {
                title: "gfplint".into(),
                cancellable: Some(false),
                message: Some(format!("analysing {} files", job.files.len())),
                percentage: Some(0),
            }));
            self.progress_total = Some(job.files.len());
        }
        self.running = Some((job.id, self.generation));
        if self.jobs.send(job).is_err() {
            self.running = None;
            self.show_message(
                lsp::MessageType::ERROR,
                "gfplint: the analysis thread stopped".into(),
            );
        }
    }

    fn progress_message(&self, value: lsp::WorkDoneProgress) {
        self.notify(
            lsp::notification::Progress::METHOD,
            lsp::ProgressParams {
                token: lsp::NumberOrString::String(PROGRESS_TOKEN.into()),
                value: lsp::ProgressParamsValue::WorkDone(value),
            },
        );
    }

    fn report_progress(&self) {
        let Some(total) = self.progress_total else {
            return;
        };
        let n = self.progress.load(Ordering::Relaxed).min(total);
        let label = if n < total { "parsing" } else { "analysing" };
        self.progress_message(lsp::WorkDoneProgress::Report(lsp::WorkDoneProgressReport {
            cancellable: Some(false),
            message: Some(format!("{label} {n}/{total} files")),
            percentage: Some((n * 100 / total.max(1)) as u32),
        }));
    }

    fn on_done(&mut self, done: Done) {
        let Some((job, generation)) = self.running.take() else {
            return;
        };
        if job != done.id {
            return;
        }
        if let Some(total) = self.progress_total.take() {
            self.progress_message(lsp::WorkDoneProgress::End(lsp::WorkDoneProgressEnd {
                message: Some(format!(
                    "{} findings in {total} files, {:.1} s",
                    done.outcome.diagnostics.len(),
                    done.elapsed.as_secs_f64()
                )),
            }));
        }
        if let Some(fatal) = &done.outcome.fatal {
            self.show_message(lsp::MessageType::ERROR, format!("gfplint: {fatal}"));
            return;
        }
        // Inputs changed during the run: its positions may be stale; the next run
        // (already due) publishes.
        if generation != self.generation {
            return;
        }
        self.hovers = done.hovers;
        self.publish(&done.outcome);
        if self.timings {
            let cache = (done.outcome.cache_hits, done.outcome.cache_misses);
            eprintln!(
                "gfplint lsp: run {job}: {} ms analysis, {} ms since the last change; facts cache: {} reused, {} parsed",
                done.elapsed.as_millis(),
                self.last_change.elapsed().as_millis(),
                cache.0,
                cache.1
            );
        }
    }

    /// Publishes the diagnostics of every open file whose set changed.
    fn publish(&mut self, outcome: &crate::Outcome) {
        let open_texts: HashMap<String, String> = self
            .docs
            .iter()
            .map(|(p, d)| (p.clone(), d.text.clone()))
            .collect();
        let texts = convert::Texts {
            open: &open_texts,
            sources: &outcome.sources,
        };
        for (path, doc) in &self.docs {
            let diagnostics = convert::diagnostics_for(
                path,
                &outcome.diagnostics,
                &self.root,
                &texts,
                self.encoding,
            );
            if self.published.get(path) == Some(&diagnostics) {
                continue;
            }
            self.notify(
                lsp::notification::PublishDiagnostics::METHOD,
                lsp::PublishDiagnosticsParams {
                    uri: doc.uri.clone(),
                    diagnostics: diagnostics.clone(),
                    version: Some(doc.version),
                },
            );
            self.published.insert(path.clone(), diagnostics);
        }
    }

    fn on_notification(&mut self, n: Notification) {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Some(path) = self.path_for(&p.text_document.uri) else {
                    return;
                };
                // Only C sources are analysed (a client may send any file it opens).
                if !crate::discover::is_c_source(Path::new(&path)) {
                    return;
                }
                if !self.files.contains(&path) {
                    self.files.push(path.clone());
                }
                self.docs.insert(
                    path,
                    Doc {
                        uri: p.text_document.uri,
                        version: p.text_document.version,
                        text: p.text_document.text,
                    },
                );
                self.changed(Duration::ZERO);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Some(path) = self.path_for(&p.text_document.uri) else {
                    return;
                };
                let Some(doc) = self.docs.get_mut(&path) else {
                    return;
                };
                // Full synchronisation: the last change holds the whole text.
                if let Some(change) = p.content_changes.into_iter().last()
                    && change.range.is_none()
                {
                    doc.text = change.text;
                    doc.version = p.text_document.version;
                    self.changed(DEBOUNCE);
                }
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(n.params)
                else {
                    return;
                };
                if convert::path_of(&p.text_document.uri)
                    .is_some_and(|p| p.ends_with(crate::config::FILE_NAME))
                {
                    self.reload();
                } else {
                    self.changed(Duration::ZERO);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Some(path) = self.path_for(&p.text_document.uri) else {
                    return;
                };
                if self.docs.remove(&path).is_some() {
                    self.disk_changed = true;
                    self.published.remove(&path);
                    self.hovers.remove(&path);
                    self.notify(
                        PublishDiagnostics::METHOD,
                        lsp::PublishDiagnosticsParams {
                            uri: p.text_document.uri,
                            diagnostics: Vec::new(),
                            version: None,
                        },
                    );
                    // The file on disk is analysed again instead of the buffer.
                    self.changed(Duration::ZERO);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                else {
                    return;
                };
                let config_changed = p.changes.iter().any(|c| {
                    convert::path_of(&c.uri).is_some_and(|p| p.ends_with(crate::config::FILE_NAME))
                });
                self.disk_changed = true;
                if config_changed {
                    self.reload();
                } else {
                    if p.changes
                        .iter()
                        .any(|c| c.typ != lsp::FileChangeType::CHANGED)
                    {
                        self.discover();
                    }
                    self.changed(Duration::ZERO);
                }
            }
            _ => {}
        }
    }

    /// `gfplint.toml` changed: read it again, select files again, start afresh.
    fn reload(&mut self) {
        self.disk_changed = true;
        self.load_config();
        self.project = None;
        self.discover();
        self.forget = true;
        self.changed(Duration::ZERO);
    }

    fn on_request(&mut self, req: Request) {
        use lsp::request::*;
        if self.shutdown {
            self.send(
                Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "shutdown was requested".into(),
                )
                .into(),
            );
            return;
        }
        let response = match req.method.as_str() {
            Shutdown::METHOD => {
                self.shutdown = true;
                Response::new_ok(req.id, ())
            }
            HoverRequest::METHOD => match serde_json::from_value::<lsp::HoverParams>(req.params) {
                Ok(p) => Response::new_ok(req.id, self.hover(&p)),
                Err(e) => bad_params(req.id, &e),
            },
            CodeActionRequest::METHOD => {
                match serde_json::from_value::<lsp::CodeActionParams>(req.params) {
                    Ok(p) => Response::new_ok(req.id, self.code_actions(&p)),
                    Err(e) => bad_params(req.id, &e),
                }
            }
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown request {}", req.method),
            ),
        };
        self.send(response.into());
    }

    fn hover(&self, p: &lsp::HoverParams) -> Option<lsp::Hover> {
        let pos = &p.text_document_position_params;
        let path = self.path_for(&pos.text_document.uri)?;
        let doc = self.docs.get(&path)?;
        let offset = convert::offset_of(&doc.text, pos.position, self.encoding)?;
        let line_start = doc.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let (line, column) = (pos.position.line + 1, (offset - line_start) as u32 + 1);
        let spot = self
            .hovers
            .get(&path)?
            .iter()
            .find(|s| s.line == line && s.column <= column && column < s.end_column)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: spot.markdown.to_string(),
            }),
            range: None,
        })
    }

    fn code_actions(&self, p: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let Some(doc) = self
            .path_for(&p.text_document.uri)
            .and_then(|path| self.docs.get(&path))
        else {
            return Vec::new();
        };
        actions::code_actions(
            &p.text_document.uri,
            &doc.text,
            &p.context.diagnostics,
            self.encoding,
        )
    }
}

fn bad_params(id: RequestId, e: &serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
}
