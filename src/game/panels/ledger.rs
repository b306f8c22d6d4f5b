//! The ledger explorer: the player's entries newest first, filterable by kind; any entry's
//! receipt (a C2SP tlog-proof anyone can check offline) can be saved; a button verifies the
//! whole ledger, signatures, tree and economy rules, with a progress bar.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Panel, dim, screen_window};
use crate::game::authority::VerifyJob;
use crate::game::authority_link::AuthorityLink;
use crate::game::screens::Profile;
use crate::ledger::{Entry, Kind};
use crate::telemetry::format_time;

/// Rows shown at most (the newest); the command line lists the rest.
const MAX_ROWS: usize = 500;

#[derive(Resource, Default)]
struct Explorer {
    /// Ledger size the rows were read at (or are being read at).
    read_at: Option<u64>,
    /// The player's entries with their indexes, oldest first.
    rows: Vec<(u64, Entry)>,
    filter: Option<Kind>,
    message: Option<(bool, String)>,
    verify: Option<Verification>,
}

struct Verification {
    task: Task<Result<String, String>>,
    /// Bytes read and bytes in all.
    done: Arc<(AtomicU64, AtomicU64)>,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Explorer>()
        .add_systems(Update, (read_entries, finish_verification).run_if(in_state(Panel::Ledger)))
        .add_systems(EguiPrimaryContextPass, ledger_screen.run_if(in_state(Panel::Ledger)));
}

/// Asks the authority for the entries when the ledger has grown; the rows arrive later.
fn read_entries(authority: Res<AuthorityLink>, mut explorer: ResMut<Explorer>) {
    let size = authority.ledger.size;
    if explorer.read_at == Some(size) {
        return;
    }
    explorer.read_at = Some(size);
    let me = authority.key();
    authority.send(move |authority| {
        let read = authority.entries().map(|entries| {
            entries.into_iter().enumerate().filter(|(_, e)| e.actor == me || e.body.subject() == Some(me)).map(|(i, e)| (i as u64, e)).collect()
        });
        Some(Box::new(move |world: &mut World| {
            let mut explorer = world.resource_mut::<Explorer>();
            match read {
                Ok(rows) => explorer.rows = rows,
                Err(e) => explorer.message = Some((false, crate::t!("panels-ledger-read-failed", error = e.to_string()))),
            }
        }))
    });
}

fn finish_verification(mut explorer: ResMut<Explorer>) {
    let Some(v) = explorer.verify.as_mut() else { return };
    if let Some(result) = check_ready(&mut v.task) {
        explorer.message = Some(match result {
            Ok(text) => (true, text),
            Err(text) => (false, text),
        });
        explorer.verify = None;
    }
}

/// Asks the authority what to verify, then verifies it on a task of its own.
fn ask_for_verification(authority: &AuthorityLink) {
    authority.send(|authority| {
        let job = authority.verification();
        Some(Box::new(move |world: &mut World| world.resource_mut::<Explorer>().verify = Some(start_verification(job))))
    });
}

fn start_verification(job: VerifyJob) -> Verification {
    let done = Arc::new((AtomicU64::new(0), AtomicU64::new(1)));
    let progress = done.clone();
    let task = AsyncComputeTaskPool::get().spawn(async move {
        let mut report = |read: u64, total: u64| {
            progress.0.store(read, Ordering::Relaxed);
            progress.1.store(total.max(1), Ordering::Relaxed);
        };
        job(&mut report)
    });
    Verification { task, done }
}

/// Has the authority write the entry's receipt to `path`, and says how it went.
fn save_receipt(authority: &AuthorityLink, index: u64, path: std::path::PathBuf) {
    authority.send(move |authority| {
        let written = authority.receipt(index).and_then(|r| crate::platform::save_for_player(&path, r.to_text().as_bytes()));
        let message = match written {
            Ok(whereto) => (true, crate::t!("panels-ledger-receipt-saved", index = index.to_string(), whereto = whereto)),
            Err(e) => (false, crate::t!("panels-ledger-receipt-failed", index = index.to_string(), error = e.to_string())),
        };
        Some(Box::new(move |world: &mut World| world.resource_mut::<Explorer>().message = Some(message)))
    });
}

fn kind_name(kind: Kind) -> String {
    crate::t!("panels-ledger-kind", kind = kind.name())
}

fn gist(entry: &Entry) -> String {
    let summary = entry.summary();
    summary.split_once("): ").map_or(summary.clone(), |(_, g)| g.to_string())
}

fn ledger_screen(mut contexts: EguiContexts, authority: Res<AuthorityLink>, profile: Res<Profile>, mut explorer: ResMut<Explorer>, mut next: ResMut<NextState<Panel>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    if explorer.verify.is_some() {
        ctx.request_repaint();
    }
    let info = &authority.ledger;
    let open = screen_window(ctx, Panel::Ledger, |ui| {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(crate::t!("panels-ledger-count", size = info.size.to_string(), mine = explorer.rows.len().to_string())).strong());
            ui.label(dim(crate::t!("panels-ledger-log", origin = &info.origin, source = &info.source)));
        });
        ui.horizontal(|ui| {
            let label = explorer.filter.map_or_else(|| crate::t!("panels-ledger-all-kinds"), kind_name);
            egui::ComboBox::new("kind-filter", crate::t!("panels-ledger-show")).selected_text(label).show_ui(ui, |ui| {
                ui.selectable_value(&mut explorer.filter, None, crate::t!("panels-ledger-all-kinds"));
                for k in Kind::ALL {
                    ui.selectable_value(&mut explorer.filter, Some(k), kind_name(k));
                }
            });
            let verifying = explorer.verify.is_some();
            if ui.add_enabled(!verifying, egui::Button::new(crate::t!("panels-ledger-verify"))).clicked() {
                explorer.message = Some((true, crate::t!("panels-ledger-verifying")));
                ask_for_verification(&authority);
            }
            if let Some(v) = &explorer.verify {
                let (read, total) = (v.done.0.load(Ordering::Relaxed), v.done.1.load(Ordering::Relaxed));
                ui.add(egui::ProgressBar::new(read as f32 / total as f32).desired_width(220.0).show_percentage());
            }
        });
        if let Some((ok, text)) = &explorer.message {
            let colour = if *ok { crate::game::ui_theme::palette::GOOD } else { crate::game::ui_theme::palette::BAD };
            ui.colored_label(colour, text);
        }
        ui.label(dim(crate::t!("panels-ledger-verifier-key", key = &info.verifier_key)));
        ui.separator();
        let mut save = None;
        egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
            egui::Grid::new("entries").num_columns(5).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
                for h in ["#".to_string(), crate::t!("panels-ledger-time"), crate::t!("panels-ledger-kind-heading"), crate::t!("panels-ledger-what"), String::new()] {
                    ui.label(dim(h));
                }
                ui.end_row();
                let shown = explorer.rows.iter().rev().filter(|(_, e)| explorer.filter.is_none_or(|k| e.kind() == k)).take(MAX_ROWS);
                for (index, entry) in shown {
                    ui.label(index.to_string());
                    ui.label(format_time((entry.time_ms / 1000) as i64).replace('T', " ").trim_end_matches('Z').to_string());
                    ui.label(kind_name(entry.kind()));
                    ui.label(gist(entry));
                    if ui.small_button(crate::t!("panels-ledger-save-receipt")).clicked() {
                        save = Some(*index);
                    }
                    ui.end_row();
                }
            });
        });
        if let Some(index) = save {
            save_receipt(&authority, index, profile.data_dir.join("receipts").join(format!("entry-{index}.tlog-proof")));
        }
    });
    if !open {
        next.set(Panel::None);
    }
    Ok(())
}
