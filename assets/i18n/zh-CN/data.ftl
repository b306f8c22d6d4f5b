# 数据文件中内置事物的中文名称（英文名称保留在数据文件中）。

## Tasks (assets/economy/tasks.ron)
task-visit-garage = 探访车库
task-visit-lookout = 登上瞭望塔
task-visit-spires = 寻访水晶尖塔
task-visit-arch = 驶过石拱门
task-drive-5km = 今日在谷中驾驶 5 公里
task-lap-lakeside = 3 分钟内跑完一圈湖畔环线
task-daily-streak-3 = 连续畅玩三天
task-co-creation = 参与共创活动

## Upgrades: parts and entitlements (assets/economy/upgrades.ron)
upgrade-motor-1 = 电机 · 1 级
upgrade-motor-2 = 电机 · 2 级
upgrade-motor-3 = 电机 · 3 级
upgrade-battery-1 = 电池 · 1 级
upgrade-battery-2 = 电池 · 2 级
upgrade-tyres-1 = 运动轮胎 · 1 级
upgrade-tyres-2 = 运动轮胎 · 2 级
upgrade-aero-1 = 空力套件 · 1 级
upgrade-aero-2 = 空力套件 · 2 级
upgrade-suspension-1 = 悬架 · 1 级
upgrade-suspension-2 = 悬架 · 2 级
upgrade-ota-sport-mode = 运动驾驶模式（OTA）
upgrade-charging-credit-50 = 充电权益 · 50 kWh

## Cosmetics: upgrades of category Cosmetic, also the blind box's gifts (assets/economy/upgrades.ron)
cosmetic-paint-aurora = 极光车漆
cosmetic-paint-jade = 翡翠车漆
cosmetic-paint-celestial = 星穹车漆
cosmetic-decal-spire = 水晶尖塔车贴
cosmetic-decal-stone-runes = 原石符文车贴
cosmetic-horn-chime = 风铃鸣笛
cosmetic-horn-valley-echo = 空谷回响鸣笛

## Merch: the name_zh of assets/economy/merch.ron
merch-keyring-crystal = 水晶钥匙扣
merch-pin-stone-valley = 原石谷徽章
merch-tee-stone-valley = 原石谷T恤
merch-mug-horizon = 密境时空马克杯
merch-model-twin-143 = 1:43 孪生车合金模型
merch-jacket-owner = 车主俱乐部夹克
merch-crystal-sculpture = 创世水晶摆件

## Landmarks (levels/*.ron)
landmark-garage = 车库
landmark-lookout = 瞭望塔
landmark-spires = 水晶尖塔
landmark-arch = 石拱门

## Routes (levels/*.ron)
route-lakeside = 湖畔环线
route-valley-grand-tour = 山谷大环线
route-pit-loop = 矿坑环线

## Levels, by Level::slug() of their name
level-stone-valley = 原石谷
level-old-quarry = 老采石场
