//! A show's program feed: where it goes (HLS segments in a folder, an RTMP or an SRT
//! address), its size, rate and bit rate, and whether it carries the broadcast overlay.
//! Pure: the ffmpeg command line is built here (and tested) from the configuration; the
//! game reads the frames back from the GPU and runs ffmpeg.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Where the feed goes.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub enum StreamTo {
    /// HLS: `stream.m3u8` and two-second segments in this folder (relative: under the data
    /// directory), the oldest deleted as new ones come, for a web server to serve. A
    /// restarted kiosk continues the playlist (a discontinuity, not a new numbering).
    Hls(PathBuf),
    /// An RTMP ingest address, e.g. "rtmp://live.example.com/app/KEY" (rtmps:// too).
    Rtmp(String),
    /// An SRT address, e.g. "srt://203.0.113.5:9000?streamid=show" (MPEG-TS inside).
    Srt(String),
}

/// What the feed shows over the valley.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
pub enum StreamOverlay {
    /// The show's name, a LIVE badge, who is driving and the valley's figures: for viewers,
    /// who cannot touch the screen (no call to drive, no operator's overlay).
    #[default]
    Broadcast,
    /// The valley alone: a clean feed for a vision mixer to dress.
    Clean,
}

/// `stream: Some((…))` in a show's configuration.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreamConfig {
    pub to: StreamTo,
    /// Width and height in pixels (even numbers, 320×180 … 1920×1080).
    pub size: (u32, u32),
    /// Frames a second of the feed, whatever the screen's rate: a frame is repeated when the
    /// renderer is slower, one is skipped when it is faster.
    pub fps: u32,
    /// H.264's target bit rate, kilobits a second.
    pub kbps: u32,
    pub overlay: StreamOverlay,
}

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig { to: StreamTo::Hls(PathBuf::from("stream")), size: (1280, 720), fps: 30, kbps: 4500, overlay: StreamOverlay::Broadcast }
    }
}

/// The name of the HLS playlist in its folder.
pub const HLS_PLAYLIST: &str = "stream.m3u8";
/// Seconds of an HLS segment, and how many the playlist keeps (a minute of program).
const HLS_SEGMENT_S: u32 = 2;
const HLS_SEGMENTS_KEPT: u32 = 30;

impl StreamConfig {
    /// The first field that is wrong and why (the field's name places the error).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let (w, h) = self.size;
        if !(320..=1920).contains(&w) || !(180..=1080).contains(&h) || w % 2 == 1 || h % 2 == 1 {
            return Err(("size", format!("{w}×{h} is not an even size within 320×180 … 1920×1080")));
        }
        if !(10..=60).contains(&self.fps) {
            return Err(("fps", format!("{} frames a second is outside 10–60", self.fps)));
        }
        if !(300..=20_000).contains(&self.kbps) {
            return Err(("kbps", format!("{} kbit/s is outside 300–20000", self.kbps)));
        }
        match &self.to {
            StreamTo::Hls(folder) if folder.as_os_str().is_empty() => Err(("to", "Hls needs a folder".to_string())),
            StreamTo::Rtmp(url) if !(url.starts_with("rtmp://") || url.starts_with("rtmps://")) => Err(("to", format!("{url:?} is not an rtmp:// or rtmps:// address"))),
            StreamTo::Srt(url) if !url.starts_with("srt://") => Err(("to", format!("{url:?} is not an srt:// address"))),
            _ => Ok(()),
        }
    }

    /// The HLS folder, a relative one under `data_dir`; None for the other outputs.
    pub fn hls_folder(&self, data_dir: &Path) -> Option<PathBuf> {
        match &self.to {
            StreamTo::Hls(folder) => Some(data_dir.join(folder)),
            _ => None,
        }
    }

    /// What a person reads for where the feed goes (an RTMP key is not shown whole).
    pub fn describe(&self, data_dir: &Path) -> String {
        let (w, h) = self.size;
        let to = match &self.to {
            StreamTo::Hls(_) => format!("HLS in {}", self.hls_folder(data_dir).unwrap_or_default().display()),
            StreamTo::Rtmp(url) => format!("RTMP to {}", without_secret(url)),
            StreamTo::Srt(url) => format!("SRT to {}", without_secret(url)),
        };
        format!("{w}×{h} at {} fps, H.264 {} kbit/s, {to}", self.fps, self.kbps)
    }

    /// ffmpeg's arguments: raw RGBA frames of the feed's size on its standard input, at the
    /// feed's rate, out as H.264 (tuned for live: no B-frames waiting, a key frame every
    /// two seconds so that a viewer joins within two) to the configured place.
    pub fn ffmpeg_args(&self, data_dir: &Path) -> Vec<String> {
        let (w, h) = self.size;
        let gop = (self.fps * HLS_SEGMENT_S).to_string();
        let kbps = format!("{}k", self.kbps);
        let mut args: Vec<String> = [
            "-hide_banner", "-loglevel", "error", "-nostats",
            "-f", "rawvideo", "-pixel_format", "rgba", "-video_size", &format!("{w}x{h}"), "-framerate", &self.fps.to_string(), "-i", "pipe:0",
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-g", &gop, "-keyint_min", &gop, "-sc_threshold", "0",
            "-b:v", &kbps, "-maxrate", &kbps, "-bufsize", &format!("{}k", self.kbps * 2),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        match &self.to {
            StreamTo::Hls(_) => {
                let folder = self.hls_folder(data_dir).unwrap_or_default();
                args.extend(
                    ["-f", "hls", "-hls_time", &HLS_SEGMENT_S.to_string(), "-hls_list_size", &HLS_SEGMENTS_KEPT.to_string(), "-hls_flags", "delete_segments+independent_segments+temp_file+append_list"]
                        .iter()
                        .map(|s| s.to_string()),
                );
                args.push("-hls_segment_filename".into());
                args.push(folder.join("segment-%06d.ts").display().to_string());
                args.push(folder.join(HLS_PLAYLIST).display().to_string());
            }
            StreamTo::Rtmp(url) => args.extend(["-f".to_string(), "flv".to_string(), url.clone()]),
            StreamTo::Srt(url) => args.extend(["-f".to_string(), "mpegts".to_string(), url.clone()]),
        }
        args
    }
}

/// An address with its stream key or password cut off, for logs and the operator's overlay.
fn without_secret(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    let host = host.rsplit('@').next().unwrap_or(host);
    format!("{}{host}/…", &url[..scheme_end])
}

/// A frame read back from the GPU, whose rows are padded to `padded_row` bytes, as tightly
/// packed RGBA rows of `width` pixels (what ffmpeg's rawvideo reads). None when the data is
/// shorter than the size says.
pub fn packed_rows(data: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let row = width as usize * 4;
    let height = height as usize;
    if height == 0 || data.len() < row * height {
        return None;
    }
    let padded_row = data.len() / height;
    if padded_row == row {
        return Some(data[..row * height].to_vec());
    }
    let mut packed = Vec::with_capacity(row * height);
    for r in 0..height {
        packed.extend_from_slice(&data[r * padded_row..r * padded_row + row]);
    }
    Some(packed)
}
