# kiosk

## The show screen: attract mode
kiosk-call-to-drive = Touch, press or pull a trigger to drive
kiosk-figures-stones-today = stones mined today
kiosk-figures-km-today = real km today
kiosk-figures-visitors-today = visitors today
kiosk-figures-checkpoint = latest checkpoint
kiosk-board-title = Best laps today
kiosk-board-no-lap-yet = No lap yet today: be the first

## The show screen: a visitor's drive
kiosk-time-left = left
kiosk-still-there = Still there?
kiosk-still-there-keep-driving = Touch any control to keep driving

## The show screen: a visitor's result
kiosk-result-time-up = Time's up: thanks for driving
kiosk-result-thanks = Thanks for driving
kiosk-result-stones = stones
kiosk-result-crystals = crystals
kiosk-result-lap = lap { $time } on { $route }
kiosk-result-lap-placed = lap { $time } on { $route }: #{ $place } today
kiosk-result-entries = ledger entries
kiosk-result-visitor = visitor
kiosk-result-scan-receipt = Scan to keep your receipt

## The stream's broadcast overlay
kiosk-feed-live = LIVE
kiosk-feed-come-and-drive = Come to the stand and drive
kiosk-feed-visitor-driving = A visitor is driving
kiosk-feed-visitor-mined = The visitor mined
kiosk-feed-stones-today = stones today
kiosk-feed-visitors = visitors
kiosk-feed-ledger = ledger

## The operator's overlay
kiosk-operator-title = Operator
kiosk-operator-fps = frames per second
kiosk-operator-uptime = uptime
kiosk-operator-memory = resident memory
kiosk-operator-unknown = unknown
kiosk-operator-phase = phase
kiosk-operator-visitors = visitors
kiosk-operator-visitors-value = { $since_start } since start, { $today } today, { $waiting } waiting for the server
kiosk-operator-ledger = ledger
kiosk-operator-ledger-value = { $entries } entries, { $origin }
kiosk-operator-checkpoint-root = checkpoint root
kiosk-operator-last-error = last error
kiosk-operator-none = none
kiosk-operator-stream = stream
kiosk-operator-stream-frames = stream frames
kiosk-operator-stream-frames-value = { $sent } sent ({ $repeated } repeated), { $rendered } rendered, ffmpeg { $ffmpeg } ({ $starts } starts)
kiosk-operator-ffmpeg-running = running
kiosk-operator-ffmpeg-stopped = stopped
kiosk-operator-stream-error = stream error
kiosk-operator-restart = Restart
kiosk-operator-quit = Quit
kiosk-operator-close = Close

## What the operator is told went wrong
kiosk-error-saving-board = saving the best laps: { $error }
kiosk-error-welcoming = welcoming a visitor: { $error }
kiosk-error-receipt = a visitor's receipt: { $error }
kiosk-error-ending-visit = ending a visit: { $error }
kiosk-error-sending-queues = sending visitors' queues: { $error }
