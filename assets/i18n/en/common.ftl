# The title, loading and settings screens, and the window.

## Window and title
common-window-title = Crypto Horizon — { $level }
common-game-name = CRYPTO HORIZON
common-valley-subtitle = the Stone Valley
common-building-level = Building { $level }
common-player-level = { $name } — level { $level }
common-twin-of = twin of { $vehicle }
common-guest-car = guest car
common-car-real-km = { $car } · { $km } real km
common-purse = { $stones } stones · { $waiting } waiting in the valley · { $crystals } crystals
common-play = Play
common-play-keys = Enter or the gamepad's A button
common-profile-dir = profile: { $dir }

## Settings
common-language = Language
