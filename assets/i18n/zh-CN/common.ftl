# 标题、载入与设置界面，以及窗口。

## Window and title
common-window-title = 密境时空 — { $level }
common-game-name = 密境时空
common-valley-subtitle = 原石谷
common-building-level = 正在构建{ $level }
common-player-level = { $name } — 等级 { $level }
common-twin-of = { $vehicle } 的数字孪生
common-guest-car = 访客车辆
common-car-real-km = { $car } · 真实里程 { $km } 公里
common-purse = { $stones } 原石 · 谷中待采 { $waiting } · { $crystals } 水晶
common-play = 开始驾驶
common-play-keys = 按回车键或手柄 A 键
common-profile-dir = 存档：{ $dir }

## Settings
common-language = 语言
