//! The program feed's encoder: ffmpeg as a child process, fed raw RGBA frames on its
//! standard input by a thread of its own at the feed's steady rate (a live stream wants a
//! constant frame rate, whatever the renderer manages: the newest frame is sent again when
//! none came, frames in between are skipped). The frame loop only swaps in the newest
//! frame and never waits. When ffmpeg stops (an RTMP server went away, a disk filled) the
//! thread starts it again a little later; on finish, ffmpeg's input is closed so that it
//! writes the end of its files.

use std::io::{BufRead, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bevy::log::{info, warn};

/// How the encoder is doing, for the operator.
#[derive(Clone, Debug, Default)]
pub struct EncoderStatus {
    /// Frames written to ffmpeg, and how many of them repeated the one before.
    pub frames_sent: u64,
    pub frames_repeated: u64,
    /// Frames the renderer offered.
    pub frames_offered: u64,
    /// Times ffmpeg was started (more than one: it stopped and was started again).
    pub starts: u32,
    pub running: bool,
    /// What went wrong last (ffmpeg's own words where it said any).
    pub last_error: Option<String>,
}

struct Shared {
    newest: Mutex<Option<Arc<Vec<u8>>>>,
    stop: AtomicBool,
    status: Mutex<EncoderStatus>,
    /// ffmpeg's latest line on its standard error.
    said: Mutex<Option<String>>,
}

/// A running program feed; dropping it (or `finish`) ends ffmpeg's files properly.
pub struct Encoder {
    shared: Arc<Shared>,
    pacer: Option<JoinHandle<()>>,
}

/// After ffmpeg stops, the wait before it is started again.
const RESTART_AFTER: Duration = Duration::from_secs(3);
/// How long ffmpeg may take to write the end of its files.
const FINISH_WITHIN: Duration = Duration::from_secs(15);

impl Encoder {
    /// Starts the pacing thread; ffmpeg starts with the first frame. `frame_bytes` is the
    /// size of one packed RGBA frame; `folder`, if any, is made first (ffmpeg writes into it).
    pub fn start(program: String, args: Vec<String>, frame_bytes: usize, fps: u32, folder: Option<std::path::PathBuf>) -> Encoder {
        let shared = Arc::new(Shared { newest: Mutex::new(None), stop: AtomicBool::new(false), status: Mutex::new(EncoderStatus::default()), said: Mutex::new(None) });
        let pacer = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("program feed".into())
                .spawn(move || pace(&shared, &program, &args, frame_bytes, fps, folder.as_deref()))
                .expect("a thread for the program feed")
        };
        Encoder { shared, pacer: Some(pacer) }
    }

    /// The renderer's newest frame (packed RGBA of the feed's size).
    pub fn offer(&self, frame: Vec<u8>) {
        *self.shared.newest.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(frame));
        self.shared.status.lock().unwrap_or_else(|e| e.into_inner()).frames_offered += 1;
    }

    pub fn status(&self) -> EncoderStatus {
        self.shared.status.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Stops feeding, lets ffmpeg finish its files and waits for it.
    pub fn finish(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(pacer) = self.pacer.take() {
            let _ = pacer.join();
        }
    }
}

impl Drop for Encoder {
    fn drop(&mut self) {
        self.finish();
    }
}

fn note(shared: &Shared, change: impl FnOnce(&mut EncoderStatus)) {
    change(&mut shared.status.lock().unwrap_or_else(|e| e.into_inner()));
}

fn spawn(shared: &Arc<Shared>, program: &str, args: &[String], folder: Option<&std::path::Path>) -> Result<(Child, ChildStdin), String> {
    if let Some(folder) = folder {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| if e.kind() == std::io::ErrorKind::NotFound { format!("{program}: not found (install ffmpeg: scripts/setup-debian.sh --kiosk)") } else { format!("{program}: {e}") })?;
    let stdin = child.stdin.take().ok_or("ffmpeg's input")?;
    if let Some(stderr) = child.stderr.take() {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("ffmpeg's words".into())
            .spawn(move || {
                for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                    warn!("ffmpeg: {line}");
                    *shared.said.lock().unwrap_or_else(|e| e.into_inner()) = Some(line);
                }
            })
            .map_err(|e| e.to_string())?;
    }
    Ok((child, stdin))
}

/// Closes ffmpeg's input and waits for it to write the end of its files (killed if it takes
/// too long); returns how it ended.
fn close(mut child: Child, stdin: ChildStdin) -> String {
    drop(stdin);
    let until = Instant::now() + FINISH_WITHIN;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.to_string(),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return "killed: it did not finish in time".to_string();
            }
        }
    }
}

fn pace(shared: &Arc<Shared>, program: &str, args: &[String], frame_bytes: usize, fps: u32, folder: Option<&std::path::Path>) {
    let period = Duration::from_secs_f64(1.0 / f64::from(fps.max(1)));
    let mut ffmpeg: Option<(Child, ChildStdin)> = None;
    let mut sent: Option<Arc<Vec<u8>>> = None;
    let mut next = Instant::now();
    let mut start_at = Instant::now();
    while !shared.stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
        next += period;
        // Far behind (the machine was suspended, a write stalled): start the rhythm again
        // rather than burst.
        if Instant::now() > next + Duration::from_secs(1) {
            next = Instant::now() + period;
        }
        let Some(frame) = shared.newest.lock().unwrap_or_else(|e| e.into_inner()).clone() else { continue };
        if frame.len() != frame_bytes {
            continue;
        }
        if ffmpeg.is_none() {
            if Instant::now() < start_at {
                continue;
            }
            match spawn(shared, program, args, folder) {
                Ok(started) => {
                    info!("the program feed started: {program} {}", args.join(" "));
                    ffmpeg = Some(started);
                    note(shared, |s| {
                        s.starts += 1;
                        s.running = true;
                    });
                }
                Err(e) => {
                    warn!("the program feed could not start: {e}");
                    note(shared, |s| s.last_error = Some(e));
                    start_at = Instant::now() + RESTART_AFTER;
                    continue;
                }
            }
        }
        let repeated = sent.as_ref().is_some_and(|s| Arc::ptr_eq(s, &frame));
        let (_, stdin) = ffmpeg.as_mut().expect("started above");
        match stdin.write_all(&frame) {
            Ok(()) => {
                note(shared, |s| {
                    s.frames_sent += 1;
                    s.frames_repeated += u64::from(repeated);
                });
                sent = Some(frame);
            }
            Err(e) => {
                let (child, stdin) = ffmpeg.take().expect("running");
                let ended = close(child, stdin);
                let said = shared.said.lock().unwrap_or_else(|e| e.into_inner()).take();
                let why = format!("ffmpeg stopped ({ended}; writing: {e}){}", said.map(|s| format!(": {s}")).unwrap_or_default());
                warn!("{why}; starting it again in {} s", RESTART_AFTER.as_secs());
                note(shared, |s| {
                    s.running = false;
                    s.last_error = Some(why);
                });
                start_at = Instant::now() + RESTART_AFTER;
            }
        }
    }
    if let Some((child, stdin)) = ffmpeg.take() {
        let ended = close(child, stdin);
        info!("the program feed ended: ffmpeg {ended}");
        note(shared, |s| s.running = false);
    }
}
