# cli

## Shared
cli-reading = 读取 { $path } 时出错
cli-writing = 写入 { $path } 时出错
cli-creating = 创建 { $path } 时出错
cli-drawing = 绘制 { $path } 时出错
cli-wrote = 已写入 { $path }
cli-wrote-two = 已写入 { $first } 和 { $second }
cli-opening-ledger = 打开账本 { $path } 时出错
cli-not-a-signer-key = { $path }：不是签名密钥
cli-note = 提示：{ $note }
cli-next-import = 下一步：horizon import { $path }
cli-local-valley = 本地山谷
cli-not-a-player-yet = 你（{ $me }）还不是 { $place } 的玩家：请先运行 `horizon sync` 或玩一次游戏
cli-voucher-already-redeemed = 兑换券 { $voucher } 已兑换过（记录 { $entry }）
cli-player-guest = 访客

## Play, show machines and keys
cli-no-game-play = 此版本不含游戏（构建时未启用 `game` 功能）；工具仍可使用：见 `horizon --help`
cli-no-game-kiosk = 此版本不含游戏（构建时未启用 `game` 功能）；`horizon kiosk --check` 仍可检查配置
cli-soak-hours = --soak { $hours }：请给出 0 < HOURS ≤ 720
cli-soak-not-a-show = --soak 会向 { $dir } 的山谷注册数千名脚本访客：请给它一个新的 --data-dir，不要用展台的
cli-soak-done = 模拟 { $hours } 小时，用时 { $minutes } 分 { $seconds } 秒（展台节奏的 { $speed } 倍）：{ $visitors } 名访客，第一小时后实体数 { $fewest } 至 { $most }
cli-soak-growth = 第一小时后，常驻内存每模拟一天增长 { $growth } MiB
cli-soak-growth-unknown = 常驻内存增长：未知（需要 Linux 的 /proc 且运行超过一小时）
cli-keys-created = 已创建新的玩家密钥

## Simulated car
cli-car-demo-maker = { $maker }（演示制造商）
cli-car-vehicle = 车辆      { $vehicle }
cli-car-key = 车辆密钥  { $key }
cli-car-maker = 制造商    { $maker }
cli-car-counter = 计数器    { $counter }
cli-car-odometer = 里程表    { $km } km
cli-car-exists = { $dir } 中已有一辆车；请换一个文件夹
cli-car-built = 已在 { $dir } 中创建车辆 { $vehicle }
cli-car-paired = 车辆 { $vehicle } 已与玩家 { $player } 配对（计数器 { $counter }）：{ $path }
cli-car-no-trips = { $file }：其中没有行程
cli-car-signed = 车辆 { $vehicle } 已签名 { $count } 条行程（{ $start } 至 { $end }，计数器 { $first } 至 { $last }）：{ $path }

## Economy simulation
cli-economy-no-days = --days 至少为 1
cli-economy-simulated = 已模拟 { $cars } 辆车 { $days } 天（每辆代表 { $scale } 辆），用时 { $seconds } 秒
cli-economy-network-km = 全网里程      { $km } 公里（第 { $era } 纪元）
cli-economy-mileage-pool = 里程池        { $stones } / { $cap } 原石
cli-economy-cultivation-pool = 养成池        { $stones } / { $cap } 原石
cli-economy-per-km = 每公里        最早加入的十分之一车辆：{ $early } 原石/km；最晚的十分之一：{ $late } 原石/km

## Levels
cli-level-summary = { $file }：“{ $name }”，边长 { $size } 米，高度 { $low }..{ $high } 米
cli-level-landmarks = 地标       { $ids }
cli-level-fields = 矿区       { $ids }
cli-level-route = 路线       { $id } “{ $name }”：{ $length } 米

## Event organisers
cli-organiser-bad-player = --player { $player } 不是公钥（64 位十六进制）
cli-organiser-granted = 已为玩家 { $player } 签发活动 { $event } 的授权书（主办方 { $organiser }）：{ $path }
cli-grant-not-a-file = { $path }：不是授权书文件
cli-grant-bad-format = { $path }：格式为 { $format }，而不是 { $expected }
cli-grant-not-base64 = { $path }：授权书不是 base64
cli-grant-not-signed = { $path }：授权书未经有效签名：{ $error }

## Ledger
cli-ledger-reading-key-file = 读取校验密钥文件 { $path } 时出错
cli-ledger-verifying-bar = 校验中 { $bar } { $done }（剩余 { $eta }）
cli-ledger-verified = 已校验 { $entries } 条记录，用时 { $seconds } 秒（每秒 { $rate } 条）
cli-ledger-log = 日志         { $origin }
cli-ledger-root = 根哈希       { $root }
cli-ledger-key-own = 校验密钥     { $key }（账本自带；用 --key 固定它）
cli-ledger-key-pinned = 校验密钥     { $key }（已固定）
cli-ledger-extends-seen = 延续了之前见过的检查点
cli-ledger-holds-at-least = 至少包含要求的 { $entries } 条记录
cli-ledger-not-pinned-note = 提示：不加 --seen 或 --min-size 时，回滚过的文件副本也能通过校验
cli-ledger-uncommitted-unverified = 提示：检查点之后的 { $records } 条记录尚未提交，未经校验
cli-ledger-supply = 供应量
cli-ledger-supply-mileage = 里程池
cli-ledger-supply-cultivation = 养成池
cli-ledger-supply-total = 总供应
cli-ledger-supply-of = { $issued } / { $cap } 原石
cli-ledger-supply-unmined = 未开采
cli-ledger-supply-unmined-line = { $unmined } 原石由里程赚得，尚未开采
cli-ledger-path = 账本         { $path }
cli-ledger-entries = 记录数       { $entries }
cli-ledger-checkpoint = 检查点       大小 { $size }，根哈希 { $root }
cli-ledger-key = 校验密钥     { $key }
cli-ledger-by-kind = 按类型       { $kinds }
cli-ledger-trust-local = 信任         自报行程可产出原石（本地山谷）
cli-ledger-trust-shared = 信任         自报行程不产出原石（共享山谷）
cli-ledger-trust-maker = 汽车制造商 { $name }（{ $key }）
cli-ledger-trust-organiser = 活动主办方 { $name }（{ $key }）
cli-ledger-cars = 车辆         已预置 { $cars } 辆，{ $owned } 辆有车主
cli-ledger-boxes = 盲盒         { $boxes } 个承诺尚未开启
cli-ledger-vouchers = 兑换券       已兑换 { $vouchers } 张
cli-ledger-uncommitted-recovered = 提示：检查点之后的 { $records } 条记录尚未提交（权威方下次打开账本时会恢复它们）
cli-ledger-players = 玩家（{ $players }）：
cli-ledger-players-header = 密钥             名称         身份                  原石    未开采      碎片     水晶   保底    公里
cli-ledger-role-owner = 车主 { $vehicle }
cli-ledger-player-upgrades = 升级：{ $upgrades }
cli-ledger-player-voucher = 兑换券 { $voucher }，兑换 { $item }
cli-ledger-player-voucher-redeemed = 兑换券 { $voucher }，兑换 { $item }，已在记录 { $entry } 中兑换
cli-ledger-players-more = ……另有 { $more } 名（用 --players N 列出更多）
cli-ledger-wrote-receipt = 已将记录 { $entry }（共 { $size } 条）的收据写入 { $path }
cli-ledger-check-receipt-with = 校验命令：horizon ledger check-receipt { $path } --key '{ $key }'
cli-ledger-receipt-ok = 记录 { $entry } 在日志 { $origin } 中（大小 { $size }）
cli-ledger-entry = 记录         { $entry }
cli-ledger-no-players = --players 至少为 1
cli-ledger-simulating-bar = 模拟中 { $bar } { $done } 条记录（剩余 { $eta }）
cli-ledger-simulated = 已将含 { $entries } 条记录、{ $players } 名玩家的模拟账本写入 { $path }

## Twin cards and share cards
cli-card-font-warning = 警告：{ $error }；卡片只用英文绘制
cli-card-no-chinese-font = 提示：本机没有中文字体（fonts-noto-cjk）：卡片只用英文绘制
cli-card-entry = 读取卡片的记录时出错
cli-card-not-a-twin-card = 记录 { $entry } 不是孪生车卡片
cli-card-unchanged = 你的孪生车卡片是记录 { $entry }（记录以来没有变化）
cli-card-recorded = 孪生车卡片已记录在 { $place }：账本记录 { $entry }
cli-card-facts = 等级 { $level }，{ $km } 公里，{ $stones } 原石，{ $upgrades } 项升级
cli-card-wrote = 已写入 { $path }（{ $width }×{ $height }）；校验命令：
cli-card-nothing-to-prove = 账本中还没有你的可证明记录
cli-share-wrote = 已写入 { $path }（{ $width }×{ $height }）：{ $stones } 原石，等级 { $level }，二维码是账本记录 { $entry } 的收据
cli-share-check-with = 校验命令：horizon card verify { $path } --key '{ $key }'
cli-verify-keepsake = 一张证明 { $origin } 记录 { $entry } 的纪念卡（检查点大小 { $size }）
cli-verify-twin-card = { $name } 的孪生车卡片，{ $origin } 的账本记录 { $entry }（检查点大小 { $size }）
cli-verify-player = 玩家         { $player }
cli-verify-car = 车辆         { $car }
cli-verify-no-car = 无（访客）
cli-verify-level = 等级         { $level }（{ $xp } XP）
cli-verify-km = 真实里程     { $km }
cli-verify-stones = 原石         { $stones }
cli-verify-none = 无
cli-verify-upgrades = 升级         { $upgrades }
cli-verify-issued = 签发         { $date }
cli-verify-replaces = 取代         记录 { $entry } 的卡片
cli-verify-facts-note = （以上是签名记录中的事实；图片只是展示它们）
cli-verify-stands = 这是该玩家在 { $place } 的当前卡片（于大小 { $size } 时校验）
cli-verify-superseded = 该玩家在 { $place } 的新卡片是记录 { $entry }（于大小 { $size } 时校验）
cli-verify-ended = 该车已在 { $place } 的记录 { $entry } 中绑定给另一位车主（于大小 { $size } 时校验）

## Merch shop
cli-merch-not-open = 周边商店尚未开张
cli-merch-edition = 商品目录版本 { $edition }（自 { $from } 起）
cli-merch-list-header = 商品                 名称                                           价格       剩余   已购
cli-merch-you-have = 你有 { $stones } 原石和 { $crystals } 水晶
cli-merch-see-list = { $error }（见 `horizon merch list`）
cli-merch-stones = { $stones } 原石
cli-merch-crystals = { $crystals } 水晶
cli-merch-too-dear = { $item } 售价 { $price }；你有 { $have }
cli-merch-ordered = 已下单 { $name_zh }（{ $name }），价格 { $price }：账本记录 { $entry }
cli-merch-voucher = 兑换券 { $voucher }：用 `horizon merch redeem { $voucher }` 兑换（地址随兑换发送，不进入账本）
cli-merch-no-address = 本设备上没有地址；用 --name --phone --region --street [--postcode] 设置
cli-merch-address-incomplete = 地址需要 --name、--phone、--region 和 --street 全部填写
cli-merch-address-saved = 已保存在本设备（{ $path }）：{ $address }
cli-merch-address-private = 只有兑换时（`horizon merch redeem VOUCHER`）它才会离开本设备
cli-merch-redeem-no-address = 本设备上没有收货地址：请先用 `horizon merch address --name … --phone … --region … --street …` 设置
cli-merch-no-such-voucher = 你没有兑换券 { $voucher }（见 `horizon merch list` 和 `horizon sync`）
cli-merch-redeemed = 兑换券 { $voucher }（{ $item }）已兑换：账本记录 { $entry }
cli-merch-shipping-to = 寄送至 { $address }
cli-merch-address-went-to = （地址已发往 { $place } 的发货清单；账本只记录兑换券的 ID）
cli-merch-no-orders = { $origin } 中没有已兑换的周边兑换券
cli-merch-to-ship = 待发货 { $shipments } 件；{ $waiting } 张周边兑换券已下单但尚未兑换

## Valley server
cli-serve-bad-seconds = --{ $flag } 必须大于 0 且不超过 3600 秒
cli-serve-expected-name-key = --{ $flag } { $value }：应为 NAME=KEY
cli-serve-bad-key = --{ $flag } { $value }：密钥不是 Ed25519 公钥（64 位十六进制）
cli-serve-no-maker = 警告：没有受信任的汽车制造商（--maker NAME=KEY）：这里没有行程能产出原石
cli-serve-trusted-maker = 受信任的汽车制造商：{ $name }（{ $key }）
cli-serve-ledger = 山谷服务器：账本 { $path }，共 { $entries } 条记录，校验密钥 { $key }
cli-serve-web = 浏览器版游戏：{ $dir }，位于 /
cli-serve-no-web = { $dir } 中没有浏览器版游戏（用 scripts/web.sh 构建，或传入 --web DIR）：/ 会提示这一点

## Sync
cli-sync-busy = 服务器要求等待 { $seconds } 秒；之后发送队列中的其余内容
cli-sync-no-server = 此档案还没有服务器：请运行 `horizon sync --server URL`（例如 http://127.0.0.1:8080）
cli-sync-refused-intent = 被拒绝（{ $id }）：{ $reason }
cli-sync-synced = 已与 { $server } 同步：已校验 { $entries } 条记录（新增 { $new } 条），已发送 { $sent } 项操作
cli-sync-queued = { $intents } 项操作已排队在 { $dir }，将由下一次 `horizon sync` 发送
cli-player-owner = { $vehicle } 的车主
cli-player = 玩家 { $name }（{ $key }，{ $role }）：{ $stones } 原石，{ $waiting } 在山谷中待开采，{ $crystals } 水晶，{ $fragments } 原石碎片，等级 { $level }

## Consent
cli-scope-mileage = 行程起止、里程表读数和能耗，以车辆化名记录（赚取原石）
cli-scope-behaviour = 每次行程的急刹车和急加速次数（影响操控属性）
cli-scope-granted = 已授权
cli-scope-off = 未授权
cli-consent-granted-queued = 已授权 { $scope }：已签名并排队发往 { $server }
cli-consent-revoked-queued = 已撤销 { $scope }：已签名并排队发往 { $server }
cli-consent-sent = 已发送
cli-consent-retry = { $error }；将由下一次 `horizon sync` 发送
cli-consent-granted-entry = 已授权 { $scope }：账本记录 { $entry }
cli-consent-revoked-entry = 已撤销 { $scope }：账本记录 { $entry }

## Redeeming vouchers
cli-redeem-no-such-voucher = 你没有兑换券 { $voucher }（用 `horizon sync` 或在车库里查看你的兑换券）
cli-redeem-recorded-at = 兑换券 { $voucher } 已兑换：由你签名，已记录在 { $server }
cli-redeem-refused = 山谷拒绝了：{ $reasons }
cli-redeem-retry = { $error }；兑换已排队，将由下一次 `horizon sync` 发送
cli-redeem-recorded = 兑换券 { $voucher } 已兑换：账本记录 { $entry }

## Importing trips, pairings and grants
cli-trip-accepted = 接受    { $when }  { $km } km  可开采 { $minable } km
cli-trip-accepted-note = 接受    { $when }  { $km } km  可开采 { $minable } km（{ $note }）
cli-trip-rejected = 拒绝    { $when }  { $km } km  { $reason }
cli-import-read-as = { $file }：读取为 { $family }：{ $count } 条行程
cli-import-refused = 被拒绝：{ $reason }
cli-import-retry = { $error }；它仍在队列中，将由下一次 `horizon sync` 发送
cli-import-counts-without-consent = 车辆签名了急刹车/急加速次数，但驾驶行为授权未开启：请授权（`horizon consent grant behaviour`），或让车辆签名不含这些次数的行程
cli-import-not-enrolled = 此档案尚未在 { $server } 注册：请先运行 `horizon sync`
cli-import-queued-grant = 活动 { $event } 的授权书
cli-import-queued-pairing = 与车辆 { $vehicle } 的配对
cli-import-needs-mileage-consent = 导入行程需要里程授权；请用 `horizon consent grant mileage` 授权
cli-import-queued-car-trips = { $trips } 条车辆签名的行程
cli-import-guest-has-no-car = 访客没有车辆：请先配对一辆车（`horizon import PAIRING.json`）
cli-import-queued-self-reported = { $trips } 条自报行程摘要
cli-import-queued = 来自 { $file } 的{ $what }已排队发往 { $server }
cli-import-granted = 已授予：活动 { $event } 的 { $crystals } 水晶
cli-import-paired = 已与车辆 { $vehicle } 配对：你是它的车主（账本记录 { $entry }）
cli-dry-run-signed-file = { $file }：车辆或主办方签名的文件；试运行只显示自报行程文件
cli-dry-run-would-accept = { $file }：{ $trips } 条中将接受 { $accepted } 条：
cli-dry-run-note = （试运行：未导入任何内容；这些是本设备的检查，以山谷自己的检查为准）

## Export and forget
cli-export-wrote = 已将关于玩家 { $player } 的全部数据写入 { $path }
cli-forget-will-delete = 这将删除本设备上的玩家密钥和个人数据：
cli-forget-ask-yes = 账本会保留其记录（只含化名）。加上 --yes 再运行一次即可删除。
cli-forget-deleted = 已删除 { $path }
cli-forget-could-not-delete = 无法删除 { $path }：{ $error }
cli-forget-done = 已清除；账本的记录保留，只含化名
