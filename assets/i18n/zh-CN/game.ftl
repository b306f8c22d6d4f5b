# 山谷中的 HUD、任务列表与提示，以及数字孪生各项数值的说明。

## HUD
game-hud-level = 等级 { $level }
game-hud-stones = { $stones } 原石
game-hud-crystals = { $crystals } 水晶
game-hud-nearest-stones = 原石 { $metres } 米
game-compass-north = 北
game-compass-east = 东
game-compass-south = 南
game-compass-west = 西

## Notices of what the authority recorded or refused
game-notice-mined = 采得 +{ $stones } 原石（第 { $km } 公里）
game-notice-task-done = 任务完成：{ $task }  +{ $crystals } 水晶
game-notice-bought = 已购买{ $item }：已签名并记入账本
game-scope-mileage = 里程
game-scope-behaviour = 驾驶行为
game-notice-consent-granted = 已同意共享{ $scope }数据
game-notice-consent-revoked = 已撤回{ $scope }数据授权
game-notice-combined = 已将 { $fragments } 个原石碎片合成原石
game-notice-refused = 被拒绝：{ $reason }
game-notice-merch-ordered = 已订购{ $item }：兑换券 { $voucher }（请在商店兑换）
game-notice-merch-redeemed = 兑换券 { $voucher } 已兑换：收货地址只交给商店，不写入账本

## Task list
game-tasks-title = 任务
game-tasks-reward = +{ $crystals } 水晶
game-task-not-in-valley = 不在本山谷
game-task-drive-to = 驶往{ $landmark }
game-task-km-today = 今日 { $driven } / { $km } 公里
game-task-lap = 目标 { $time } 以内；{ $best }
game-task-no-lap = 尚无圈速
game-task-best-lap = 最佳 { $time }
game-task-streak = 已连续 { $played } / { $days } 天
game-task-co-creation = 在共创活动中完成

## Touch buttons
game-touch-brake = 刹车
game-touch-go = 加速
game-touch-reset = 复位

## Photo mode
game-photo-hint = 拍照模式：拖动或方向键旋转，滚轮或 +/- 缩放，回车键保存 PNG，P 键返回
game-photo-saved = 已保存至 { $path }

## Keepsakes (the shop shows the result)
game-keepsake-not-a-twin-card = 账本条目 { $entry } 不是孪生车卡片
game-keepsake-saved = { $saved }；可用 `horizon card verify { $path } --key '{ $key }'` 校验

## The web page's text copy of the HUD (screen readers)
game-page-building = 正在构建山谷
game-page-title = 标题画面：按回车键开始驾驶
game-page-figures = 等级 { $level }，{ $stones } 原石，{ $crystals } 水晶。
game-page-speed = 时速 { $speed } km/h。

## The twin's stats, each with why it has its value
game-twin-power = 动力 { $value }：真实里程 { $km } 公里（4,000 公里时增长过半）
game-twin-handling-no-trips = 操控 50：尚无行程
game-twin-handling-no-consent = 操控 50：同意共享驾驶行为数据后评分
game-twin-handling = 操控 { $value }：{ $km } 公里内每百公里急加速/急刹车 { $rate } 次
game-twin-efficiency-no-data = 能效 50：尚无含能耗数据的行程
game-twin-range-no-data = 续航 50：尚无含能耗数据的行程
game-twin-efficiency = 能效 { $value }：{ $kwh } kWh/100 km
game-twin-range = 续航 { $value }：{ $battery } kWh 电池、{ $kwh } kWh/100 km 时可行驶 { $range } 公里
game-twin-upgrades = ；升级 { $bonus }
