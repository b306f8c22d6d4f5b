//! The kiosk under a supervisor (systemd, `deploy/crypto-horizon-kiosk.service`): it says
//! READY=1 once attract mode is on screen, then WATCHDOG=1 from the frame loop, so a frozen
//! frame loop is killed and restarted like a crashed one; STATUS= says what the show is
//! doing. Without `NOTIFY_SOCKET` (no supervisor) nothing is sent.

use bevy::prelude::*;

use super::visitors::ShowFloor;
use crate::game::screens::Screen;
use crate::kiosk::Phase;

/// What was last said, and when the watchdog was last fed.
#[derive(Resource, Default)]
struct Supervised {
    ready: bool,
    status: String,
    fed: Option<crate::platform::Instant>,
}

/// How often the watchdog is fed: half its timeout, as sd_notify(3) advises (2 s without one).
fn feeding_interval() -> std::time::Duration {
    sd_notify::watchdog_enabled().map_or(std::time::Duration::from_secs(2), |timeout| timeout / 2)
}

pub fn plugin(app: &mut App) {
    if std::env::var_os("NOTIFY_SOCKET").is_none() {
        return;
    }
    app.init_resource::<Supervised>().add_systems(Last, tell.run_if(in_state(Screen::Valley)));
}

fn tell(floor: Res<ShowFloor>, mut said: ResMut<Supervised>) {
    use sd_notify::NotifyState;
    let status = match floor.timeline.phase() {
        Phase::Attract => "attract".to_string(),
        Phase::Driving { .. } => format!("visitor {} driving", floor.visitors),
        Phase::StillThere { .. } => format!("visitor {}: still there?", floor.visitors),
        Phase::Result { .. } => format!("visitor {}: result", floor.visitors),
    };
    let mut states = Vec::new();
    if !said.ready {
        states.push(NotifyState::Ready);
    }
    if status != said.status {
        states.push(NotifyState::Status(&status));
    }
    let due = said.fed.is_none_or(|fed| fed.elapsed() >= feeding_interval());
    if due {
        states.push(NotifyState::Watchdog);
    }
    if states.is_empty() {
        return;
    }
    if let Err(e) = send(&states) {
        warn!("could not tell the supervisor: {e}");
    }
    said.ready = true;
    if due {
        said.fed = Some(crate::platform::Instant::now());
    }
    said.status = status;
}

/// Sends the states as one datagram without ever waiting: a supervisor that stops reading
/// fills the socket's queue, and a blocking send would then freeze the frame loop
/// (`sd_notify::notify` blocks). A message that does not fit now is dropped.
fn send(states: &[sd_notify::NotifyState]) -> std::io::Result<()> {
    use std::os::unix::net::UnixDatagram;
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else { return Ok(()) };
    let message: String = states.iter().map(|s| format!("{s}\n")).collect();
    let socket = UnixDatagram::unbound()?;
    socket.set_nonblocking(true)?;
    let path = std::path::PathBuf::from(path);
    // "@name" is a socket in Linux's abstract namespace.
    #[cfg(target_os = "linux")]
    if let Some(name) = path.to_str().and_then(|p| p.strip_prefix('@')) {
        use std::os::linux::net::SocketAddrExt;
        let address = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
        return socket.send_to_addr(message.as_bytes(), &address).map(drop);
    }
    socket.send_to(message.as_bytes(), &path).map(drop)
}
