//! Which files to check, in a deterministic order.

use std::collections::BTreeSet;
use std::path::Path;

use crate::parse::FileError;

/// Whether a path names C source gfplint checks.
pub fn is_c_source(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("c" | "h"))
}

/// Every `.c` and `.h` under `roots` (a root that is a file is taken as given), sorted
/// and deduplicated; problems (missing paths, unreadable directories) come back as
/// errors and the walk goes on.
pub fn discover(roots: &[String]) -> (Vec<String>, Vec<FileError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for root in roots {
        let path = Path::new(root);
        match std::fs::metadata(path) {
            Err(e) => {
                let message = if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file or directory".to_string()
                } else {
                    format!("cannot access: {e}")
                };
                errors.push(FileError {
                    path: root.clone(),
                    message,
                });
                continue;
            }
            Ok(m) if m.is_file() => {
                files.insert(root.clone());
                continue;
            }
            Ok(_) => {}
        }
        for entry in walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() && is_c_source(e.path()) => {
                    files.insert(e.path().to_string_lossy().into_owned());
                }
                Ok(_) => {}
                Err(e) => {
                    let p = e
                        .path()
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_else(|| root.clone());
                    let message = match e.io_error() {
                        Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                            "permission denied".to_string()
                        }
                        Some(io) => format!("cannot read directory: {io}"),
                        None => e.to_string(),
                    };
                    errors.push(FileError { path: p, message });
                }
            }
        }
    }
    (files.into_iter().collect(), errors)
}
