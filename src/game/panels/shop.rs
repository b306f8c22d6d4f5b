//! The shop: keepsakes (the twin card and the share card, pictures that carry their proof)
//! and the merch shop (周边商店): the catalogue with prices and the stock left, orders signed
//! with the player's key, and the player's merch vouchers, each redeemed once with a shipping
//! address that stays on this device until then and never reaches the ledger.

use bevy::prelude::*;
use bevy::tasks::{IoTaskPool, Task, block_on, poll_once};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{Panel, crystals_colour, dim, screen_window, stones_colour};
use crate::economy::merch::{MerchItem, MerchPrice};
use crate::economy::{format_stones, format_stones_grouped};
use crate::game::authority::{GameTables, Intent, Outcome};
use crate::game::keepsakes::{Keepsakes, MakeKeepsake};
use crate::game::screens::Profile;
use crate::ledger::replay::PlayerState;
use crate::profile::DataDir;
use crate::valley::shipping::ShippingAddress;

/// The address form, and which voucher it is for.
#[derive(Resource, Default)]
struct AddressForm {
    address: ShippingAddress,
    /// Read from this device once the shop opens.
    loaded: bool,
    /// The voucher being redeemed (the form is shown for it).
    voucher: Option<String>,
    problem: Option<String>,
    /// The voucher sent and not yet answered.
    sent: Option<String>,
    /// The address file being read or written, off the frame.
    io: Option<Task<AddressIo>>,
}

/// What a file task of the form's did.
enum AddressIo {
    Loaded(Result<Option<ShippingAddress>, String>),
    /// Saved for this voucher (then redeemed), or why not.
    Saved { voucher: String, address: ShippingAddress, result: Result<(), String> },
}

pub fn plugin(app: &mut App) {
    app.init_resource::<AddressForm>()
        .add_systems(OnEnter(Panel::Shop), load_address)
        .add_systems(Update, (forget_sent, finish_address_io))
        .add_systems(EguiPrimaryContextPass, shop_screen.run_if(in_state(Panel::Shop)));
}

/// The saved address fills the form: read once as the shop first opens, by a task (the
/// frame never waits on a file).
fn load_address(mut form: ResMut<AddressForm>, profile: Res<Profile>) {
    if form.loaded || form.io.is_some() {
        return;
    }
    let data = DataDir(profile.data_dir.clone());
    form.io = Some(IoTaskPool::get().spawn(async move { AddressIo::Loaded(ShippingAddress::load(&data)) }));
}

/// A finished read fills the form; a finished save sends the redemption with the address
/// saved, so the next order finds it filled in.
fn finish_address_io(mut form: ResMut<AddressForm>, mut intents: MessageWriter<Intent>) {
    let Some(task) = form.io.as_mut() else { return };
    let Some(done) = block_on(poll_once(task)) else { return };
    form.io = None;
    match done {
        AddressIo::Loaded(read) => {
            form.loaded = true;
            match read {
                Ok(Some(a)) if form.address == ShippingAddress::default() => form.address = a,
                Ok(_) => {}
                Err(e) => form.problem = Some(e),
            }
        }
        AddressIo::Saved { voucher, address, result } => match result {
            Ok(()) => {
                form.problem = None;
                form.sent = Some(voucher.clone());
                intents.write(Intent::RedeemMerch { voucher, address });
            }
            Err(e) => form.problem = Some(e),
        },
    }
}

fn forget_sent(mut outcomes: MessageReader<Outcome>, mut form: ResMut<AddressForm>) {
    for outcome in outcomes.read() {
        match outcome {
            Outcome::MerchRedeemed { .. } => {
                form.sent = None;
                form.voucher = None;
            }
            Outcome::Refused { intent: Intent::RedeemMerch { .. }, reason } => {
                form.sent = None;
                form.problem = Some(reason.clone());
            }
            _ => {}
        }
    }
}

/// Why an item cannot be ordered now, or None when it can.
pub fn blocker(m: &MerchItem, state: &PlayerState, sold: u32) -> Option<String> {
    if sold >= m.stock {
        return Some(crate::t!("panels-shop-sold-out"));
    }
    if state.merch.get(&m.id).copied().unwrap_or(0) >= m.per_player {
        return Some(crate::t!("panels-shop-limit", limit = m.per_player.to_string()));
    }
    match m.price {
        MerchPrice::Stones { milli } if state.stones_milli < milli => Some(crate::t!("panels-more-stones", stones = format_stones(milli - state.stones_milli))),
        MerchPrice::Crystals { count } if state.crystals < count => Some(crate::t!("panels-more-crystals", crystals = (count - state.crystals).to_string())),
        _ => None,
    }
}

fn price_text(price: &MerchPrice) -> egui::RichText {
    match price {
        MerchPrice::Stones { milli } => egui::RichText::new(crate::t!("panels-stones", stones = format_stones(*milli))).color(stones_colour()),
        MerchPrice::Crystals { count } => egui::RichText::new(crate::t!("panels-crystals", crystals = count.to_string())).color(crystals_colour()),
    }
}

fn shop_screen(
    mut contexts: EguiContexts,
    tables: Res<GameTables>,
    profile: Res<Profile>,
    keepsakes: Res<Keepsakes>,
    mut form: ResMut<AddressForm>,
    mut intents: MessageWriter<Intent>,
    mut make: MessageWriter<MakeKeepsake>,
    mut next: ResMut<NextState<Panel>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let state = &profile.player.state;
    let good = crate::game::ui_theme::palette::GOOD;
    let open = screen_window(ctx, Panel::Shop, |ui| {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(crate::t!("panels-stones", stones = format_stones_grouped(state.stones_milli))).size(18.0).color(stones_colour()));
            ui.label(egui::RichText::new(crate::t!("panels-crystals", crystals = state.crystals.to_string())).size(18.0).color(crystals_colour()));
            ui.label(dim(crate::t!("panels-shop-signed")));
        });
        ui.add_space(6.0);
        ui.label(egui::RichText::new(crate::t!("panels-shop-keepsakes")).size(17.0).strong());
        ui.horizontal(|ui| {
            let idle = !keepsakes.busy();
            if ui.add_enabled(idle, egui::Button::new(egui::RichText::new(crate::t!("panels-shop-twin-card")).strong())).clicked() {
                make.write(MakeKeepsake::TwinCard);
            }
            if ui.add_enabled(idle, egui::Button::new(crate::t!("panels-shop-share-card"))).clicked() {
                make.write(MakeKeepsake::ShareCard);
            }
            let card = state.card.map_or_else(|| crate::t!("panels-shop-no-card"), |i| crate::t!("panels-shop-your-card", entry = i.to_string()));
            ui.label(dim(crate::t!("panels-shop-card-about", card = card)));
        });
        match &keepsakes.last {
            Some(Ok(saved)) => {
                ui.label(egui::RichText::new(format!("✔ {saved}")).color(good));
            }
            Some(Err(e)) => {
                ui.label(egui::RichText::new(format!("✘ {e}")).color(crate::game::ui_theme::palette::BAD));
            }
            None => {}
        }
        ui.add_space(8.0);
        let edition = tables.merch.in_force(crate::platform::now_ms());
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(crate::t!("panels-shop-merch")).size(17.0).strong());
            if let Some(e) = edition {
                ui.label(dim(crate::t!("panels-shop-edition", edition = e.short(), from = &e.from)));
            }
        });
        let items = edition.map_or(&[][..], |e| e.items.as_slice());
        if items.is_empty() {
            ui.label(dim(crate::t!("panels-shop-not-open")));
        }
        egui::ScrollArea::vertical().max_height(200.0).show(ui, |ui| {
            egui::Grid::new("merch").num_columns(5).striped(true).spacing([14.0, 6.0]).show(ui, |ui| {
                for m in items {
                    let sold = profile.player.merch_sold.get(&m.id).copied().unwrap_or(0);
                    ui.label(egui::RichText::new(crate::i18n::named("merch", &m.id, &m.name)).size(14.0));
                    // Wrapped: a long description would widen the window past its frame.
                    ui.scope(|ui| {
                        ui.set_max_width(330.0);
                        ui.add(egui::Label::new(dim(&m.about)).wrap());
                    });
                    ui.label(price_text(&m.price));
                    ui.label(dim(crate::t!("panels-shop-left", left = m.stock.saturating_sub(sold).to_string(), stock = m.stock.to_string())));
                    match blocker(m, state, sold) {
                        None => {
                            if ui.button(egui::RichText::new(crate::t!("panels-shop-order")).strong()).clicked() {
                                intents.write(Intent::OrderMerch { item: m.id.clone() });
                            }
                        }
                        Some(why) => {
                            ui.label(dim(why));
                        }
                    }
                    ui.end_row();
                }
            });
        });
        let vouchers: Vec<_> = state.vouchers.iter().filter(|v| tables.merch_item(&v.item).is_some()).collect();
        if !vouchers.is_empty() {
            ui.add_space(8.0);
            ui.label(egui::RichText::new(crate::t!("panels-shop-vouchers")).size(17.0).strong());
            for v in vouchers {
                let name = tables.merch_item(&v.item).map_or(v.item.clone(), |m| crate::i18n::named("merch", &m.id, &m.name));
                ui.horizontal(|ui| {
                    ui.label(format!("{name} · {}", v.id));
                    match v.redeemed {
                        Some(at) => {
                            ui.label(egui::RichText::new(format!("✔ {}", crate::t!("panels-shop-redeemed", entry = at.to_string()))).color(good));
                        }
                        None if form.sent.as_deref() == Some(v.id.as_str()) => {
                            ui.label(dim(crate::t!("panels-shop-sending")));
                        }
                        None => {
                            if ui.button(crate::t!("panels-shop-redeem")).clicked() {
                                form.voucher = Some(v.id.clone());
                                form.problem = None;
                            }
                        }
                    }
                });
            }
        }
        if let Some(voucher) = form.voucher.clone() {
            address_form(ui, &mut form, &voucher, &profile);
        }
    });
    if !open {
        next.set(Panel::None);
    }
    Ok(())
}

fn address_form(ui: &mut egui::Ui, form: &mut AddressForm, voucher: &str, profile: &Profile) {
    ui.add_space(6.0);
    egui::Frame::new().fill(egui::Color32::from_black_alpha(90)).corner_radius(8.0).inner_margin(8.0).show(ui, |ui| {
        ui.label(egui::RichText::new(crate::t!("panels-shop-ship-to", voucher = voucher)).strong());
        egui::Grid::new("address").num_columns(2).spacing([10.0, 4.0]).show(ui, |ui| {
            for (label, field) in [
                (crate::t!("panels-shop-recipient"), &mut form.address.name),
                (crate::t!("panels-shop-phone"), &mut form.address.phone),
                (crate::t!("panels-shop-region"), &mut form.address.region),
                (crate::t!("panels-shop-street"), &mut form.address.street),
                (crate::t!("panels-shop-postcode"), &mut form.address.postcode),
            ] {
                ui.label(label);
                ui.add(egui::TextEdit::singleline(field).desired_width(420.0));
                ui.end_row();
            }
        });
        ui.label(dim(crate::t!("panels-shop-address-about")));
        ui.horizontal(|ui| {
            let idle = form.io.is_none();
            if ui.add_enabled(idle, egui::Button::new(egui::RichText::new(crate::t!("panels-shop-redeem-ship")).strong())).clicked() {
                if let Some(problem) = form.address.problem() {
                    form.problem = Some(problem);
                } else {
                    let (data, address, voucher) = (DataDir(profile.data_dir.clone()), form.address.clone(), voucher.to_string());
                    form.io = Some(IoTaskPool::get().spawn(async move {
                        let result = address.save(&data).map(drop);
                        AddressIo::Saved { voucher, address, result }
                    }));
                }
            }
            if ui.button(crate::t!("panels-shop-cancel")).clicked() {
                form.voucher = None;
            }
        });
        if let Some(p) = &form.problem {
            ui.label(egui::RichText::new(p).color(crate::game::ui_theme::palette::BAD));
        }
    });
}
