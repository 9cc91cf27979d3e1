//! The programme the server serves, with its registers: read from DIR,
//! reloaded when any of their files change. The two are one unit: a broken
//! edit of either keeps the last good programme and registers, and its
//! errors are kept for the API and the log.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use clause9_core::Programme;
use clause9_core::registers::Registers;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

pub use clause9_app::files::{read_files, read_register_files};

/// The outcome of reading the files once.
pub enum Reading {
    Good {
        programme: Box<Programme>,
        registers: Box<Registers>,
        digest: String,
    },
    Broken(Vec<String>),
}

/// Reads and validates DIR (programme, then its registers, which refer to
/// it); `digest` is a SHA-256 over every file's path and text.
pub fn read_programme(dir: &Path) -> Reading {
    let (settings, measures) = match read_files(dir) {
        Ok(files) => files,
        Err(e) => return Reading::Broken(vec![e]),
    };
    let register_files = match read_register_files(dir) {
        Ok(files) => files,
        Err(e) => return Reading::Broken(vec![e]),
    };
    let mut hasher = Sha256::new();
    for f in std::iter::once(&settings)
        .chain(&measures)
        .chain(&register_files)
    {
        hasher.update((f.path.len() as u64).to_be_bytes());
        hasher.update(f.path.as_bytes());
        hasher.update((f.text.len() as u64).to_be_bytes());
        hasher.update(f.text.as_bytes());
    }
    let broken = |ds: Vec<clause9_core::Diagnostic>| {
        Reading::Broken(ds.iter().map(|d| d.to_string()).collect())
    };
    let programme = match clause9_core::load(&settings, &measures) {
        Ok(programme) => programme,
        Err(diagnostics) => return broken(diagnostics),
    };
    match clause9_core::load::registers::load_registers(&register_files, &programme) {
        Ok(registers) => Reading::Good {
            programme: Box::new(programme),
            registers: Box::new(registers),
            digest: hex::encode(hasher.finalize()),
        },
        Err(diagnostics) => broken(diagnostics),
    }
}

/// What the server currently serves.
#[derive(Clone, Default)]
pub struct Loaded {
    /// The last programme that loaded without errors.
    pub programme: Option<Arc<Programme>>,
    /// Its registers (read with it).
    pub registers: Option<Arc<Registers>>,
    pub digest: Option<String>,
    /// The errors of the latest reading, if it failed.
    pub errors: Vec<String>,
}

/// The programme, shared by every request and swapped on reload.
pub struct ProgrammeCell {
    dir: PathBuf,
    loaded: RwLock<Loaded>,
    readings: watch::Sender<u64>,
}

/// Whether a reload changed what is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reloaded {
    /// A new good programme (its digest).
    Changed(String),
    Unchanged,
    /// The files are broken; the last good programme is kept.
    Broken(Vec<String>),
}

impl ProgrammeCell {
    /// Reads DIR once.
    pub fn open(dir: &Path) -> ProgrammeCell {
        let cell = ProgrammeCell {
            dir: dir.to_path_buf(),
            loaded: RwLock::new(Loaded::default()),
            readings: watch::channel(0).0,
        };
        cell.reload();
        cell
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads the files again: a good reading replaces the programme, a broken
    /// one only records its errors.
    pub fn reload(&self) -> Reloaded {
        match read_programme(&self.dir) {
            Reading::Good {
                programme,
                registers,
                digest,
            } => {
                let mut loaded = self.loaded.write().unwrap_or_else(|p| p.into_inner());
                loaded.errors.clear();
                if loaded.digest.as_deref() == Some(digest.as_str()) {
                    Reloaded::Unchanged
                } else {
                    loaded.programme = Some(Arc::from(programme));
                    loaded.registers = Some(Arc::from(registers));
                    loaded.digest = Some(digest.clone());
                    Reloaded::Changed(digest)
                }
            }
            Reading::Broken(errors) => {
                let mut loaded = self.loaded.write().unwrap_or_else(|p| p.into_inner());
                loaded.errors = errors.clone();
                Reloaded::Broken(errors)
            }
        }
    }

    /// Tells subscribers that a reading has been fully handled (logged and,
    /// when new, written to the audit log).
    pub fn mark_read(&self) {
        self.readings.send_modify(|n| *n += 1);
    }

    pub fn snapshot(&self) -> Loaded {
        self.loaded
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn current(&self) -> Option<Arc<Programme>> {
        self.snapshot().programme
    }

    /// The programme with the registers read with it.
    pub fn current_with_registers(&self) -> Option<(Arc<Programme>, Arc<Registers>)> {
        let loaded = self.snapshot();
        loaded.programme.zip(loaded.registers)
    }

    /// Counts readings: changes each time the files were read again and the
    /// reading was handled.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.readings.subscribe()
    }
}
