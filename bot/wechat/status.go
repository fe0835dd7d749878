package wechat

// Every line the adapter prints to the operator's terminal during login, in
// one place for review. These are operator output, not bot replies (those
// live in package bot).
const (
	statusScan      = "请用微信扫码"
	statusQRURL     = "二维码显示不全时,请在浏览器打开: %s"
	statusScanned   = "已扫码,请在手机上确认"
	statusLoggedIn  = "已登录: %s"
	statusSaved     = "登录信息已保存到 %s,重启后免扫码"
	statusHotLogin  = "正在使用登录文件 %s 免扫码登录……"
	statusHotFailed = "免扫码登录失败,需要重新扫码"
	statusExpired   = "二维码已过期,正在生成新的二维码"
	statusReconnect = "与微信的连接中断,正在重新连接……"
)
