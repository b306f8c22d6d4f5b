# kiosk

## The show screen: attract mode
kiosk-call-to-drive = 触摸、按键或扣动扳机，开始驾驶
kiosk-figures-stones-today = 今日开采原石
kiosk-figures-km-today = 今日真实里程
kiosk-figures-visitors-today = 今日访客
kiosk-figures-checkpoint = 最新检查点
kiosk-board-title = 今日最佳圈速
kiosk-board-no-lap-yet = 今天还没有人跑完一圈，来做第一个吧

## The show screen: a visitor's drive
kiosk-time-left = 剩余
kiosk-still-there = 还在吗？
kiosk-still-there-keep-driving = 触摸任意按键继续驾驶

## The show screen: a visitor's result
kiosk-result-time-up = 时间到！感谢驾驶
kiosk-result-thanks = 感谢驾驶
kiosk-result-stones = 原石
kiosk-result-crystals = 水晶
kiosk-result-lap = 圈速 { $time }
kiosk-result-lap-placed = 圈速 { $time } · 今日第 { $place } 名
kiosk-result-entries = 账本条目
kiosk-result-visitor = 访客
kiosk-result-scan-receipt = 扫码保存你的收据

## The stream's broadcast overlay
kiosk-feed-live = 直播
kiosk-feed-come-and-drive = 欢迎到展台试驾
kiosk-feed-visitor-driving = 访客驾驶中
kiosk-feed-visitor-mined = 访客开采
kiosk-feed-stones-today = 今日原石
kiosk-feed-visitors = 访客
kiosk-feed-ledger = 账本

## The operator's overlay
kiosk-operator-title = 操作员
kiosk-operator-fps = 帧率
kiosk-operator-uptime = 运行时长
kiosk-operator-memory = 常驻内存
kiosk-operator-unknown = 未知
kiosk-operator-phase = 阶段
kiosk-operator-visitors = 访客
kiosk-operator-visitors-value = 启动以来 { $since_start } 位，今日 { $today } 位，{ $waiting } 位等待服务器
kiosk-operator-ledger = 账本
kiosk-operator-ledger-value = { $entries } 条记录，{ $origin }
kiosk-operator-checkpoint-root = 检查点根哈希
kiosk-operator-last-error = 最近错误
kiosk-operator-none = 无
kiosk-operator-stream = 直播流
kiosk-operator-stream-frames = 直播流帧
kiosk-operator-stream-frames-value = 已发送 { $sent }（重复 { $repeated }），已渲染 { $rendered }，ffmpeg { $ffmpeg }（已启动 { $starts } 次）
kiosk-operator-ffmpeg-running = 运行中
kiosk-operator-ffmpeg-stopped = 已停止
kiosk-operator-stream-error = 直播流错误
kiosk-operator-restart = 重启
kiosk-operator-quit = 退出
kiosk-operator-close = 关闭

## What the operator is told went wrong
kiosk-error-saving-board = 保存最佳圈速失败：{ $error }
kiosk-error-welcoming = 迎接访客失败：{ $error }
kiosk-error-receipt = 访客收据出错：{ $error }
kiosk-error-ending-visit = 结束访客驾驶失败：{ $error }
kiosk-error-sending-queues = 发送访客队列失败：{ $error }
