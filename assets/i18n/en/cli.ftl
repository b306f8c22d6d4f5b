# cli

## Shared
cli-reading = reading { $path }
cli-writing = writing { $path }
cli-creating = creating { $path }
cli-drawing = drawing { $path }
cli-wrote = wrote { $path }
cli-wrote-two = wrote { $first } and { $second }
cli-opening-ledger = opening ledger { $path }
cli-not-a-signer-key = { $path }: not a signer key
cli-note = note: { $note }
cli-next-import = next: horizon import { $path }
cli-local-valley = the local valley
cli-not-a-player-yet = you ({ $me }) are not a player in { $place } yet: run `horizon sync` or play once
cli-voucher-already-redeemed = voucher { $voucher } was already redeemed (entry { $entry })
cli-player-guest = guest

## Play, show machines and keys
cli-no-game-play = this build has no game (built without the `game` feature); the tools still work: see `horizon --help`
cli-no-game-kiosk = this build has no game (built without the `game` feature); `horizon kiosk --check` still checks a configuration
cli-soak-hours = --soak { $hours }: give 0 < HOURS ≤ 720
cli-soak-not-a-show = --soak enrols thousands of scripted visitors into the valley of { $dir }: give it a new --data-dir, not a show's
cli-soak-done = { $hours } simulated hours in { $minutes } min { $seconds } s ({ $speed }× a show's pace): { $visitors } visitors, { $fewest } to { $most } entities after the first hour
cli-soak-growth = resident memory grows { $growth } MiB a simulated day after the first hour
cli-soak-growth-unknown = resident memory growth: unknown (needs Linux's /proc and over an hour)
cli-keys-created = created a new player key

## Simulated car
cli-car-demo-maker = { $maker } (the demo maker)
cli-car-vehicle = vehicle   { $vehicle }
cli-car-key = car key   { $key }
cli-car-maker = maker     { $maker }
cli-car-counter = counter   { $counter }
cli-car-odometer = odometer  { $km } km
cli-car-exists = { $dir } already holds a car; pick another folder
cli-car-built = built car { $vehicle } in { $dir }
cli-car-paired = car { $vehicle } paired with player { $player } (counter { $counter }): { $path }
cli-car-no-trips = { $file }: no trips in it
cli-car-signed = car { $vehicle } signed { $count } trips ({ $start } to { $end }, counters { $first } to { $last }): { $path }

## Economy simulation
cli-economy-no-days = --days must be at least 1
cli-economy-simulated = simulated { $cars } cars for { $days } days (each standing for { $scale }) in { $seconds } s
cli-economy-network-km = network km    { $km } (era { $era })
cli-economy-mileage-pool = mileage pool  { $stones } of { $cap } stones
cli-economy-cultivation-pool = cultivation   { $stones } of { $cap } stones
cli-economy-per-km = per km        first tenth of cars to join: { $early } stones/km; last tenth: { $late } stones/km

## Levels
cli-level-summary = { $file }: "{ $name }", { $size } m square, heights { $low }..{ $high } m
cli-level-landmarks = landmarks  { $ids }
cli-level-fields = fields     { $ids }
cli-level-route = route      { $id } "{ $name }": { $length } m

## Event organisers
cli-organiser-bad-player = --player { $player } is not a public key (64 hex digits)
cli-organiser-granted = granted event { $event } to player { $player } (organiser { $organiser }): { $path }
cli-grant-not-a-file = { $path }: not a grant file
cli-grant-bad-format = { $path }: format is { $format }, not { $expected }
cli-grant-not-base64 = { $path }: the grant is not base64
cli-grant-not-signed = { $path }: the grant is not a signed grant: { $error }

## Ledger
cli-ledger-reading-key-file = reading verifier key file { $path }
cli-ledger-verifying-bar = verifying { $bar } { $done } ({ $eta } left)
cli-ledger-verified = { $entries } entries verified in { $seconds } s ({ $rate } entries/s)
cli-ledger-log = log          { $origin }
cli-ledger-root = root         { $root }
cli-ledger-key-own = verifier key { $key } (the ledger's own; pass --key to pin it)
cli-ledger-key-pinned = verifier key { $key } (pinned)
cli-ledger-extends-seen = extends the checkpoint seen before
cli-ledger-holds-at-least = holds at least the { $entries } entries asked for
cli-ledger-not-pinned-note = note: without --seen or --min-size a rolled-back copy of the files would verify too
cli-ledger-uncommitted-unverified = note: { $records } records past the checkpoint are not committed and were not verified
cli-ledger-supply = supply
cli-ledger-supply-mileage = mileage
cli-ledger-supply-cultivation = cultivation
cli-ledger-supply-total = total
cli-ledger-supply-of = { $issued } of { $cap } stones
cli-ledger-supply-unmined = unmined
cli-ledger-supply-unmined-line = { $unmined } stones earned by mileage, not yet mined
cli-ledger-path = ledger       { $path }
cli-ledger-entries = entries      { $entries }
cli-ledger-checkpoint = checkpoint   size { $size } root { $root }
cli-ledger-key = verifier key { $key }
cli-ledger-by-kind = by kind      { $kinds }
cli-ledger-trust-local = trust        self-reported trips mint (a local valley)
cli-ledger-trust-shared = trust        self-reported trips mint nothing (a shared valley)
cli-ledger-trust-maker = car maker { $name } ({ $key })
cli-ledger-trust-organiser = event organiser { $name } ({ $key })
cli-ledger-cars = cars         { $cars } provisioned, { $owned } with an owner
cli-ledger-boxes = boxes        { $boxes } commitments not yet opened
cli-ledger-vouchers = vouchers     { $vouchers } redeemed
cli-ledger-uncommitted-recovered = note: { $records } records past the checkpoint are not committed (the authority recovers them when it next opens the ledger)
cli-ledger-players = players ({ $players }):
cli-ledger-players-header = key              name         role              stones   unmined fragments crystals   pity      km
cli-ledger-role-owner = owner { $vehicle }
cli-ledger-player-upgrades = upgrades: { $upgrades }
cli-ledger-player-voucher = voucher { $voucher } for { $item }
cli-ledger-player-voucher-redeemed = voucher { $voucher } for { $item }, redeemed in entry { $entry }
cli-ledger-players-more = … and { $more } more (--players N to list more)
cli-ledger-wrote-receipt = wrote receipt for entry { $entry } (of { $size }) to { $path }
cli-ledger-check-receipt-with = check it with: horizon ledger check-receipt { $path } --key '{ $key }'
cli-ledger-receipt-ok = entry { $entry } is in log { $origin } at size { $size }
cli-ledger-entry = entry        { $entry }
cli-ledger-no-players = --players must be at least 1
cli-ledger-simulating-bar = simulating { $bar } { $done } entries ({ $eta } left)
cli-ledger-simulated = wrote a simulated ledger of { $entries } entries and { $players } players to { $path }

## Twin cards and share cards
cli-card-font-warning = warning: { $error }; the card is drawn in English only
cli-card-no-chinese-font = note: no Chinese font on this machine (fonts-noto-cjk): the card is drawn in English only
cli-card-entry = the card's entry
cli-card-not-a-twin-card = entry { $entry } is not a twin card
cli-card-unchanged = your twin card is entry { $entry } (nothing changed since it was recorded)
cli-card-recorded = twin card recorded in { $place }: ledger entry { $entry }
cli-card-facts = level { $level }, { $km } km, { $stones } stones, { $upgrades } upgrades
cli-card-wrote = wrote { $path } ({ $width }×{ $height }); check it with:
cli-card-nothing-to-prove = the ledger has no entry of yours to prove yet
cli-share-wrote = wrote { $path } ({ $width }×{ $height }): { $stones } stones, level { $level }, its QR code the receipt of ledger entry { $entry }
cli-share-check-with = check it with: horizon card verify { $path } --key '{ $key }'
cli-verify-keepsake = a keepsake proving entry { $entry } of { $origin } (checkpoint size { $size })
cli-verify-twin-card = the twin card of { $name }, ledger entry { $entry } of { $origin } (checkpoint size { $size })
cli-verify-player = player       { $player }
cli-verify-car = car          { $car }
cli-verify-no-car = none (a guest)
cli-verify-level = level        { $level } ({ $xp } XP)
cli-verify-km = real km      { $km }
cli-verify-stones = stones       { $stones }
cli-verify-none = none
cli-verify-upgrades = upgrades     { $upgrades }
cli-verify-issued = issued       { $date }
cli-verify-replaces = replaces     the card of entry { $entry }
cli-verify-facts-note = (these are the signed entry's facts; the picture only shows them)
cli-verify-stands = it is the player's current card in { $place } (checked at size { $size })
cli-verify-superseded = the player's newer card is entry { $entry } in { $place } (checked at size { $size })
cli-verify-ended = the car was bound to another owner at entry { $entry } in { $place } (checked at size { $size })

## Merch shop
cli-merch-not-open = the merch shop has not opened yet
cli-merch-edition = catalogue edition { $edition } (from { $from })
cli-merch-list-header = item                 name                                          price       left  yours
cli-merch-you-have = you have { $stones } stones and { $crystals } crystals
cli-merch-see-list = { $error } (see `horizon merch list`)
cli-merch-stones = { $stones } stones
cli-merch-crystals = { $crystals } crystals
cli-merch-too-dear = { $item } costs { $price }; you have { $have }
cli-merch-ordered = ordered { $name } ({ $name_zh }) for { $price }: ledger entry { $entry }
cli-merch-voucher = voucher { $voucher }: redeem it with `horizon merch redeem { $voucher }` (your address goes with it, not to the ledger)
cli-merch-no-address = no address on this device; set one with --name --phone --region --street [--postcode]
cli-merch-address-incomplete = an address needs all of --name, --phone, --region and --street
cli-merch-address-saved = saved on this device ({ $path }): { $address }
cli-merch-address-private = it leaves this device only with a redemption (`horizon merch redeem VOUCHER`)
cli-merch-redeem-no-address = no shipping address on this device: set it first with `horizon merch address --name … --phone … --region … --street …`
cli-merch-no-such-voucher = you hold no voucher { $voucher } (see `horizon merch list` and `horizon sync`)
cli-merch-redeemed = voucher { $voucher } ({ $item }) redeemed: ledger entry { $entry }
cli-merch-shipping-to = shipping to { $address }
cli-merch-address-went-to = (the address went to { $place }'s fulfilment list; the ledger holds only the voucher's id)
cli-merch-no-orders = no merch vouchers redeemed in { $origin }
cli-merch-to-ship = { $shipments } to ship; { $waiting } merch voucher(s) ordered and not yet redeemed

## Valley server
cli-serve-bad-seconds = --{ $flag } must be more than 0 and at most 3600 seconds
cli-serve-expected-name-key = --{ $flag } { $value }: expected NAME=KEY
cli-serve-bad-key = --{ $flag } { $value }: the key is not an Ed25519 public key (64 hex digits)
cli-serve-no-maker = warning: no car maker is trusted (--maker NAME=KEY): no trip can mint stones here
cli-serve-trusted-maker = trusted car maker: { $name } ({ $key })
cli-serve-ledger = valley server: ledger { $path } with { $entries } entries, verifier key { $key }
cli-serve-web = browser game: { $dir } at /
cli-serve-no-web = no browser game in { $dir } (build it with scripts/web.sh, or pass --web DIR): / says so

## Sync
cli-sync-busy = the server asks to wait { $seconds } s; then sending the rest of the queue
cli-sync-no-server = this profile has no server yet: run `horizon sync --server URL` (for example http://127.0.0.1:8080)
cli-sync-refused-intent = refused ({ $id }): { $reason }
cli-sync-synced = synced with { $server }: { $entries } entries verified ({ $new } new), { $sent } intents sent
cli-sync-queued = { $intents } intents are queued in { $dir } and will be sent by the next `horizon sync`
cli-player-owner = owner of { $vehicle }
cli-player = player { $name } ({ $key }, { $role }): { $stones } stones, { $waiting } waiting in the valley, { $crystals } crystals, { $fragments } fragments, level { $level }

## Consent
cli-scope-mileage = trip start and end, odometer readings and energy, by the car's pseudonym (earns stones)
cli-scope-behaviour = counts of hard braking and acceleration per trip (shapes the handling stat)
cli-scope-granted = granted
cli-scope-off = off
cli-consent-granted-queued = granted { $scope }: signed and queued for { $server }
cli-consent-revoked-queued = revoked { $scope }: signed and queued for { $server }
cli-consent-sent = sent
cli-consent-retry = { $error }; it will be sent by the next `horizon sync`
cli-consent-granted-entry = granted { $scope }: ledger entry { $entry }
cli-consent-revoked-entry = revoked { $scope }: ledger entry { $entry }

## Redeeming vouchers
cli-redeem-no-such-voucher = you hold no voucher { $voucher } (see `horizon sync` or the garage for yours)
cli-redeem-recorded-at = voucher { $voucher } redeemed: signed by you and recorded at { $server }
cli-redeem-refused = the valley refused: { $reasons }
cli-redeem-retry = { $error }; the redemption is queued and sent by the next `horizon sync`
cli-redeem-recorded = voucher { $voucher } redeemed: ledger entry { $entry }

## Importing trips, pairings and grants
cli-trip-accepted = accepted  { $when }  { $km } km  { $minable } km minable
cli-trip-accepted-note = accepted  { $when }  { $km } km  { $minable } km minable ({ $note })
cli-trip-rejected = REJECTED  { $when }  { $km } km  { $reason }
cli-import-read-as = { $file }: read as { $family }: { $count } { $count ->
        [one] trip
       *[other] trips
    }
cli-import-refused = refused: { $reason }
cli-import-retry = { $error }; it stays queued and is sent by the next `horizon sync`
cli-import-counts-without-consent = the car signed hard-event counts, but the behaviour scope is off: grant it (`horizon consent grant behaviour`) or have the car sign the trips without them
cli-import-not-enrolled = this profile is not enrolled at { $server } yet: run `horizon sync` first
cli-import-queued-grant = the grant for event { $event }
cli-import-queued-pairing = the pairing with car { $vehicle }
cli-import-needs-mileage-consent = importing trips needs the mileage consent; grant it with `horizon consent grant mileage`
cli-import-queued-car-trips = { $trips } car-signed trips
cli-import-guest-has-no-car = guests have no car: pair a car first (`horizon import PAIRING.json`)
cli-import-queued-self-reported = { $trips } self-reported trip summaries
cli-import-queued = { $what } from { $file } queued for { $server }
cli-import-granted = granted: { $crystals } crystals for event { $event }
cli-import-paired = paired with car { $vehicle }: you are its owner (ledger entry { $entry })
cli-dry-run-signed-file = { $file }: a car's or an organiser's signed file; a dry run shows self-reported trip files only
cli-dry-run-would-accept = { $file }: { $accepted } of { $trips } would be accepted:
cli-dry-run-note = (a dry run: nothing was imported; the checks are this device's, the valley's own decide)

## Export and forget
cli-export-wrote = wrote everything held about player { $player } to { $path }
cli-forget-will-delete = this deletes the player's key and personal data on this device:
cli-forget-ask-yes = the ledger keeps its entries (pseudonyms only). Run again with --yes to delete.
cli-forget-deleted = deleted { $path }
cli-forget-could-not-delete = could not delete { $path }: { $error }
cli-forget-done = forgotten; the ledger's entries stay and name only pseudonyms
