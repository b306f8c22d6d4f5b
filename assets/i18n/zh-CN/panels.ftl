# 山谷之上的各个界面：孪生车、车库、盲盒、账本、个人资料与商店。

## Menu and screen titles
panels-title-twin = 孪生车
panels-title-garage = 车库
panels-title-blind-box = 盲盒
panels-title-ledger = 账本
panels-title-profile = 个人资料
panels-title-shop = 商店

## Amounts the screens share
panels-stones = { $stones } 原石
panels-crystals = { $crystals } 水晶
panels-more-stones = 还差 { $stones } 原石
panels-more-crystals = 还差 { $crystals } 水晶

## Twin
panels-twin-owner-car = { $vehicle } 的数字孪生
panels-twin-guest-car = 访客车辆（背后没有真实车辆）
panels-twin-level = 等级 { $level }
panels-twin-xp = { $xp } XP · 距 { $next } 级还差 { $left }
panels-twin-power = 动力
panels-twin-handling = 操控
panels-twin-efficiency = 能效
panels-twin-range = 续航
panels-twin-in-valley = 谷中表现：车轮驱动力 { $force } kN，极速 { $speed } km/h，轮胎抓地力 { $grip }，最大转向角 { $lock }°，电池 { $battery } kWh
panels-twin-real-km = { $trips } 次行程，共 { $km } 公里真实里程（仅行程摘要：不含路线与地点）
panels-twin-started = 出发时间
panels-twin-km = km
panels-twin-kwh = kWh
panels-twin-kwh-per-100km = kWh/100 km
panels-twin-hard-events = 急刹车 / 急加速

## Garage
panels-garage-effect-power = 动力 { $value }
panels-garage-effect-handling = 操控 { $value }
panels-garage-effect-efficiency = 能效 { $value }
panels-garage-effect-range = 续航 { $value }
panels-garage-effects-joiner = ，
panels-garage-owned = 已拥有
panels-garage-box-only = 仅可从盲盒获得
panels-garage-needs = 需先拥有{ $name }
panels-garage-signed = · 每笔购买都由你的密钥签名并写入账本
panels-garage-parts = 零部件
panels-garage-cosmetics = 外观
panels-garage-real-car = 用于你的真车
panels-garage-looks-only = 仅改变外观
panels-garage-buy = 购买
panels-garage-voucher-redeemed = 兑换券 { $id } 已兑换
panels-garage-voucher = 兑换券 { $id }（兑换方式：horizon redeem { $id }）

## Blind box
panels-box-prize-stone = { $amount } 原石
panels-box-prize-fragments = { $count } 个原石碎片
panels-box-prize-crystals = { $count } 水晶
panels-box-odds-owners = 车主的开盒概率（本轮第 { $cycle } 盒）
panels-box-odds-guests = 访客的开盒概率（本轮第 { $cycle } 盒）
panels-box-pity = 保底：自上次开出「{ $prize }」以来已开 { $boxes } 盒。
panels-box-guaranteed = 最多再开 { $left } 盒必得
panels-box-soft-pity = 从第 { $from } 盒起，其概率每盒提高 { $step }%；第 { $hard } 盒必出。
panels-box-purse = { $crystals } 水晶 · 每盒 { $price } 水晶
panels-box-commitment = 山谷对你下一个盲盒的承诺，即其种子的 SHA-256：
panels-box-open = 开启盲盒（{ $price } 水晶）
panels-box-earn = 完成谷中任务即可赚取水晶。
panels-box-earn-first = 完成谷中任务即可赚取水晶：当你付得起一个盲盒时，
panels-box-earn-then = 山谷会在你开启之前，先在账本上承诺其种子。
panels-box-asking = 正在向山谷索取承诺…
panels-box-you-got = 你获得了：{ $prize }
panels-box-commitment-hex = 承诺值      { $hex }
panels-box-server-seed = 服务器种子  { $hex }
panels-box-your-seed = 你的种子    { $hex }
panels-box-draw = 第 { $draw } 次抽取 · 保底 { $before } → { $after } · 账本条目 { $entry }
panels-box-verified = 公开的种子与承诺相符，且正好抽出此奖品

## Ledger
panels-ledger-read-failed = 无法读取账本：{ $error }
panels-ledger-receipt-saved = 条目 { $index } 的收据：{ $whereto }（可用 `horizon ledger check-receipt` 校验）
panels-ledger-receipt-failed = 无法保存条目 { $index } 的收据：{ $error }
panels-ledger-count = 账本共 { $size } 条记录，其中 { $mine } 条是你的
panels-ledger-log = 日志 { $origin } · { $source }
panels-ledger-all-kinds = 全部类型
panels-ledger-show = 显示
panels-ledger-verify = 校验整个账本
panels-ledger-verifying = 正在校验…
panels-ledger-verifier-key = 校验公钥 { $key }
panels-ledger-time = 时间（UTC）
panels-ledger-kind-heading = 类型
panels-ledger-what = 内容
panels-ledger-save-receipt = 保存收据
panels-ledger-kind = { $kind ->
    [genesis] 创世
    [enrol] 加入
    [consent] 授权
    [mileage-attestation] 里程证明
    [mint] 发放原石
    [crystal-award] 水晶奖励
    [box-draw] 盲盒开奖
    [purchase] 购买
    [combine] 碎片合成
    [trust-maker] 信任车企
    [provision] 车辆登记
    [bind] 绑定车辆
    [car-trip] 车辆行程
    [box-commit] 盲盒承诺
    [redeem] 兑换
    [trust-organiser] 信任主办方
    [grant-award] 共创奖励
    [box-open] 开启盲盒
    [merch-order] 周边订单
    [twin-card] 孪生车卡片
   *[other] { $kind }
}

## Profile
panels-profile-mileage = 里程
panels-profile-mileage-about = 每次行程：起止时间、里程表读数与能耗，仅关联你车辆的化名。不含地点、路线或 VIN。用真实公里数赚取原石时需要。
panels-profile-behaviour = 驾驶行为
panels-profile-behaviour-about = 每次行程：急刹车与急加速的次数。影响操控属性；未授权时操控保持基础值。
panels-profile-name = 名称
panels-profile-role = 身份
panels-profile-owner = 车主 · 车辆化名 { $vehicle }
panels-profile-guest = 访客（无真实车辆：仅限外观与水晶）
panels-profile-fingerprint = 密钥指纹
panels-profile-public-key = 公钥
panels-profile-data = 数据
panels-profile-valley = 山谷
panels-profile-share = 分享我的原石（分享卡）
panels-profile-share-where = 保存在数据文件夹的 keepsakes/ 下；任何人都可用山谷的公钥校验
panels-profile-consent = 授权
panels-profile-consent-about = 离开车辆数据的只有行程摘要；每次更改本身都是一条签名的账本记录。
panels-profile-on = 开启
panels-profile-off = 关闭
panels-profile-fragments = 原石碎片
panels-profile-fragments-count = { $fragments } 原石碎片 · { $stones } 原石
panels-profile-combine = 将 { $fragments } 个碎片合成为 { $stones } 原石

## Shop
panels-shop-sold-out = 已售罄
panels-shop-limit = 已达每人限购数量（{ $limit }）
panels-shop-signed = · 每笔订单都由你的密钥签名并写入账本
panels-shop-keepsakes = 纪念品
panels-shop-twin-card = 制作我的孪生车卡片
panels-shop-share-card = 制作分享卡
panels-shop-no-card = 尚无卡片
panels-shop-your-card = 你的卡片：账本条目 { $entry }
panels-shop-card-about = { $card } · 画面取自山谷；PNG 图片自带证明
panels-shop-merch = 周边商店
panels-shop-edition = 目录版本 { $edition }（自 { $from } 起）
panels-shop-not-open = 商店尚未开张。
panels-shop-left = 剩余 { $left } / { $stock }
panels-shop-order = 下单
panels-shop-vouchers = 我的周边兑换券
panels-shop-redeemed = 已兑换（条目 { $entry }）：正在配送
panels-shop-sending = 正在发送…
panels-shop-redeem = 兑换…
panels-shop-ship-to = 兑换券 { $voucher } 寄送至
panels-shop-recipient = 收件人
panels-shop-phone = 电话
panels-shop-region = 省、市、区
panels-shop-street = 街道、楼栋、门牌号
panels-shop-postcode = 邮编
panels-shop-address-about = 地址仅保存在本设备上，只随本次兑换发送到山谷的发货清单；账本只记录兑换券本身。
panels-shop-redeem-ship = 兑换并寄送
panels-shop-cancel = 取消
