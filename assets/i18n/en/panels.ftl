# The screens over the valley: twin, garage, blind box, ledger, profile and shop.

## Menu and screen titles
panels-title-twin = Twin
panels-title-garage = Garage
panels-title-blind-box = Blind box
panels-title-ledger = Ledger
panels-title-profile = Profile
panels-title-shop = Shop

## Amounts the screens share
panels-stones = { $stones } stones
panels-crystals = { $crystals } crystals
panels-more-stones = { $stones } more stones
panels-more-crystals = { $crystals } more crystals

## Twin
panels-twin-owner-car = digital twin of { $vehicle }
panels-twin-guest-car = guest car (no real car behind it)
panels-twin-level = Level { $level }
panels-twin-xp = { $xp } XP · { $left } to level { $next }
panels-twin-power = Power
panels-twin-handling = Handling
panels-twin-efficiency = Efficiency
panels-twin-range = Range
panels-twin-in-valley = In the valley: { $force } kN at the wheels, top speed { $speed } km/h, tyre grip { $grip }, steering lock { $lock }°, battery { $battery } kWh
panels-twin-real-km = { $km } real km from { $trips } trips (summaries only: no routes, no places)
panels-twin-started = started
panels-twin-km = km
panels-twin-kwh = kWh
panels-twin-kwh-per-100km = kWh/100 km
panels-twin-hard-events = hard brakes / accelerations

## Garage
panels-garage-effect-power = { $value } power
panels-garage-effect-handling = { $value } handling
panels-garage-effect-efficiency = { $value } efficiency
panels-garage-effect-range = { $value } range
panels-garage-effects-joiner = {", "}
panels-garage-owned = owned
panels-garage-box-only = only from blind boxes
panels-garage-needs = needs { $name }
panels-garage-signed = · every purchase is signed with your key and written to the ledger
panels-garage-parts = Parts
panels-garage-cosmetics = Cosmetics
panels-garage-real-car = For your real car
panels-garage-looks-only = looks only
panels-garage-buy = Buy
panels-garage-voucher-redeemed = voucher { $id } redeemed
panels-garage-voucher = voucher { $id } (redeem: horizon redeem { $id })

## Blind box
panels-box-prize-stone = { $amount } stone
panels-box-prize-fragments = { $count ->
    [one] { $count } stone fragment
   *[other] { $count } stone fragments
}
panels-box-prize-crystals = { $count } crystals
panels-box-odds-owners = Odds for car owners (box { $cycle } of the cycle)
panels-box-odds-guests = Odds for guests (box { $cycle } of the cycle)
panels-box-pity = Pity: { $boxes } boxes since the last { $prize }.
panels-box-guaranteed = guaranteed within { $left } more
panels-box-soft-pity = From box { $from } its chance rises by { $step } % a box; box { $hard } always holds it.
panels-box-purse = { $crystals } crystals · a box costs { $price }
panels-box-commitment = The valley's commitment for your next box, SHA-256 of its seed:
panels-box-open = Open a box ({ $price } crystals)
panels-box-earn = Finish tasks in the valley to earn crystals.
panels-box-earn-first = Finish tasks in the valley to earn crystals: once you can pay for a box,
panels-box-earn-then = the valley commits to its seed on the ledger before you open it.
panels-box-asking = asking the valley for its commitment…
panels-box-you-got = You got: { $prize }
panels-box-commitment-hex = commitment  { $hex }
panels-box-server-seed = server seed { $hex }
panels-box-your-seed = your seed   { $hex }
panels-box-draw = draw #{ $draw } · pity { $before } → { $after } · ledger entry { $entry }
panels-box-verified = the revealed seed matches the commitment and gives this prize

## Ledger
panels-ledger-read-failed = could not read the ledger: { $error }
panels-ledger-receipt-saved = the receipt of entry { $index } is { $whereto } (check it with `horizon ledger check-receipt`)
panels-ledger-receipt-failed = could not save the receipt of entry { $index }: { $error }
panels-ledger-count = { $size } entries in the ledger, { $mine } of them yours
panels-ledger-log = log { $origin } · { $source }
panels-ledger-all-kinds = all kinds
panels-ledger-show = show
panels-ledger-verify = Verify the whole ledger
panels-ledger-verifying = verifying…
panels-ledger-verifier-key = verifier key { $key }
panels-ledger-time = time (UTC)
panels-ledger-kind-heading = kind
panels-ledger-what = what
panels-ledger-save-receipt = save receipt
panels-ledger-kind = { $kind }

## Profile
panels-profile-mileage = Mileage
panels-profile-mileage-about = Per trip: start and end time, odometer readings and energy used, by your car's pseudonym. No places, no routes, no VIN. Needed to earn stones from real kilometres.
panels-profile-behaviour = Driving behaviour
panels-profile-behaviour-about = Per trip: how many times you braked or accelerated hard. Shapes the handling stat; without it handling stays at its base.
panels-profile-name = name
panels-profile-role = role
panels-profile-owner = car owner · vehicle pseudonym { $vehicle }
panels-profile-guest = guest (no real car: cosmetics and crystals only)
panels-profile-fingerprint = key fingerprint
panels-profile-public-key = public key
panels-profile-data = data
panels-profile-valley = valley
panels-profile-share = Share my stones (share card)
panels-profile-share-where = saved under keepsakes/ in the data folder; anyone can check it with the valley's key
panels-profile-consent = Consent
panels-profile-consent-about = Only trip summaries ever leave your car's data; each change is itself a signed ledger entry.
panels-profile-on = on
panels-profile-off = off
panels-profile-fragments = Fragments
panels-profile-fragments-count = { $fragments } fragments · { $stones } stones
panels-profile-combine = Combine { $fragments } into { $stones } stone(s)

## Shop
panels-shop-sold-out = sold out
panels-shop-limit = you have the most one player may ({ $limit })
panels-shop-signed = · every order is signed with your key and written to the ledger
panels-shop-keepsakes = Keepsakes
panels-shop-twin-card = Make my twin card
panels-shop-share-card = Make a share card
panels-shop-no-card = no card yet
panels-shop-your-card = your card: ledger entry { $entry }
panels-shop-card-about = { $card } · the picture is taken from the valley; the PNG carries its proof
panels-shop-merch = Merch shop
panels-shop-edition = catalogue edition { $edition } (from { $from })
panels-shop-not-open = The shop has not opened yet.
panels-shop-left = { $left } of { $stock } left
panels-shop-order = Order
panels-shop-vouchers = Your merch vouchers
panels-shop-redeemed = redeemed (entry { $entry }): on its way
panels-shop-sending = sending…
panels-shop-redeem = Redeem…
panels-shop-ship-to = Ship voucher { $voucher } to
panels-shop-recipient = Recipient
panels-shop-phone = Phone
panels-shop-region = Province, city, district
panels-shop-street = Street, building, flat
panels-shop-postcode = Postcode
panels-shop-address-about = The address stays on this device and goes only to the valley's shipping list with this redemption; the ledger records the voucher alone.
panels-shop-redeem-ship = Redeem and ship
panels-shop-cancel = Cancel
