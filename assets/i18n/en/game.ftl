# The valley's HUD, task list and notices, and why the twin's stats have their values.

## HUD
game-hud-level = level { $level }
game-hud-stones = { $stones } stones
game-hud-crystals = { $crystals } crystals
game-hud-nearest-stones = stones { $metres } m
game-compass-north = N
game-compass-east = E
game-compass-south = S
game-compass-west = W

## Notices of what the authority recorded or refused
game-notice-mined = +{ $stones } stone mined (km { $km })
game-notice-task-done = Task done: { $task }  +{ $crystals } crystals
game-notice-bought = Bought { $item }: signed and on the ledger
game-scope-mileage = Mileage
game-scope-behaviour = Behaviour
game-notice-consent-granted = { $scope } consent granted
game-notice-consent-revoked = { $scope } consent revoked
game-notice-combined = Combined { $fragments } fragments into stones
game-notice-refused = Refused: { $reason }
game-notice-merch-ordered = Ordered { $item }: voucher { $voucher } (redeem it in the shop)
game-notice-merch-redeemed = Voucher { $voucher } redeemed: your address went to the shop, not the ledger

## Task list
game-tasks-title = Tasks
game-tasks-reward = +{ $crystals } crystals
game-task-not-in-valley = not in this valley
game-task-drive-to = drive to { $landmark }
game-task-km-today = { $driven } of { $km } km today
game-task-lap = under { $time }; { $best }
game-task-no-lap = no lap yet
game-task-best-lap = best { $time }
game-task-streak = { $played } of { $days } days in a row
game-task-co-creation = at co-creation events

## Touch buttons
game-touch-brake = brake
game-touch-go = go
game-touch-reset = reset

## Photo mode
game-photo-hint = Photo mode: drag or arrows to turn, wheel or +/- to zoom, Enter saves a PNG, P returns
game-photo-saved = saved { $path }

## Keepsakes (the shop shows the result)
game-keepsake-not-a-twin-card = entry { $entry } is not a twin card
game-keepsake-saved = { $saved }; check it with `horizon card verify { $path } --key '{ $key }'`

## The web page's text copy of the HUD (screen readers)
game-page-building = Building the valley
game-page-title = Title screen: press Enter to play
game-page-figures = Level { $level }, { $stones } stones, { $crystals } crystals.
game-page-speed = { $speed } km/h.

## The twin's stats, each with why it has its value
game-twin-power = power { $value }: { $km } real km (half the growth at 4,000 km)
game-twin-handling-no-trips = handling 50: no trips yet
game-twin-handling-no-consent = handling 50: share driving behaviour to rate it
game-twin-handling = handling { $value }: { $rate } hard events per 100 km over { $km } km
game-twin-efficiency-no-data = efficiency 50: no trips with energy data yet
game-twin-range-no-data = range 50: no trips with energy data yet
game-twin-efficiency = efficiency { $value }: { $kwh } kWh/100 km
game-twin-range = range { $value }: { $range } km on a { $battery } kWh battery at { $kwh } kWh/100 km
game-twin-upgrades = ; upgrades { $bonus }
